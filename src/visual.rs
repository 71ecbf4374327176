//! The visual language of archsim diagrams, in one place.
//!
//! Every picture of a design — the desktop canvas, its legend, the SVG in a
//! report — draws from these rules, so a style looks the same everywhere and
//! a change here changes it everywhere. Nothing here knows how to paint:
//! colours are plain sRGB tuples, lengths are plain numbers, and the painters
//! (egui in `app`, SVG in `report`) turn them into pixels.
//!
//! The four communication styles are told apart by line pattern, arrow head
//! and marks, not by colour alone, so the diagram reads the same for people
//! who cannot tell the colours apart and when printed in grey. The colours
//! come from the Okabe–Ito palette, chosen to stay distinct under the common
//! forms of colour blindness.

use crate::model::{
    Availability, Design, Distribution, Link, Node, NodeKind, Step, Style, Technology,
};
use crate::numbers::{setting, setting_ms, setting_percent};
use crate::sim::HopKind;

mod geometry;
pub mod order;

pub use geometry::{
    LINK_MARKS, LinkMarks, NODE_MARKS, NodeMarks, Point, along, arc, direction, distance,
    link_ends, link_offset, link_orders, link_routes, longest_segment, perpendicular, self_loop,
};

/// A colour in sRGB with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
    /// Opacity, 0 (transparent) – 255 (opaque).
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    /// `0xRRGGBB` as an opaque colour, so palettes read like CSS.
    pub const fn hex(rgb: u32) -> Self {
        Self::rgb((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
    }

    /// The same colour with its opacity multiplied by `factor` (0–1).
    pub fn faded(self, factor: f32) -> Self {
        let a = (f32::from(self.a) * factor.clamp(0.0, 1.0)).round() as u8;
        Self { a, ..self }
    }

    /// `#rrggbb`, for SVG and CSS (opacity is written separately there).
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// Light or dark background. Every colour has a variant for each, chosen
/// for contrast against that background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Theme {
    /// Dark text on a light canvas (also the theme of printed reports).
    #[default]
    Light,
    /// Light text on a dark canvas.
    Dark,
}

/// How an element is emphasised in one picture: findings highlight the
/// nodes and links they are about and dim the rest; playback dims what is
/// idle. Drawing code applies it the same way everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Emphasis {
    /// Drawn as usual.
    #[default]
    Normal,
    /// Drawn bolder, with the highlight colour around it.
    Highlighted,
    /// Drawn faint, so the emphasised elements stand out.
    Dimmed,
}

impl Emphasis {
    /// The opacity factor for the element's colours.
    pub fn opacity(self) -> f32 {
        match self {
            Self::Dimmed => 0.22,
            Self::Normal | Self::Highlighted => 1.0,
        }
    }

    /// The factor for the element's stroke widths.
    pub fn width_factor(self) -> f32 {
        match self {
            Self::Highlighted => 1.7,
            Self::Normal | Self::Dimmed => 1.0,
        }
    }
}

/// How a link's line is stroked. Lengths are in points on screen at zoom 1
/// (painters scale them with the stroke), so a pattern stays recognisable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LinePattern {
    /// One continuous line.
    Solid,
    /// Dashes of `dash` separated by `gap`.
    Dashed {
        /// Length of each dash.
        dash: f32,
        /// Length of each gap.
        gap: f32,
    },
    /// Round dots `spacing` apart.
    Dotted {
        /// Distance between dot centres.
        spacing: f32,
    },
}

/// A line pattern as a painter that strokes dashes natively draws it (SVG's
/// `stroke-dasharray`, PDF and canvas dash arrays): `on` and `off`
/// lengths repeated along the line, in the same units as the pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dashes {
    /// Length drawn.
    pub on: f32,
    /// Length left out.
    pub off: f32,
    /// Whether the ends of each dash are round: a dot is a dash of length
    /// 0 with round ends, as wide as the line.
    pub round: bool,
}

impl LinePattern {
    /// The pattern as dashes; `None` for a solid line.
    pub fn dashes(self) -> Option<Dashes> {
        match self {
            Self::Solid => None,
            Self::Dashed { dash, gap } => Some(Dashes {
                on: dash,
                off: gap,
                round: false,
            }),
            Self::Dotted { spacing } => Some(Dashes {
                on: 0.0,
                off: spacing,
                round: true,
            }),
        }
    }
}

/// The mark at the receiving end of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArrowHead {
    /// A solid triangle: the caller hands over control and waits.
    Filled,
    /// Two strokes, a chevron: something is sent and the sender moves on.
    Open,
    /// A triangle outline: a fact is published.
    Hollow,
}

/// Everything that decides how a link of one style is drawn. The canvas, the
/// legend and the report all draw a style from its `LinkLook`, so what the
/// legend shows is what the diagram shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkLook {
    /// The style this look draws.
    pub style: Style,
    /// Line pattern.
    pub pattern: LinePattern,
    /// Mark at the receiving end.
    pub head: ArrowHead,
    /// Stroke width in points at zoom 1.
    pub width: f32,
    /// A small arrow running back beside the line: the response that comes
    /// back later (asynchronous request-response).
    pub return_arrow: bool,
    /// Radio-wave arcs at the sending end: the message is broadcast to
    /// whoever subscribes (events).
    pub broadcast: bool,
}

/// How links of `style` are drawn.
pub fn link_look(style: Style) -> LinkLook {
    match style {
        Style::Sync => LinkLook {
            style,
            pattern: LinePattern::Solid,
            head: ArrowHead::Filled,
            width: 2.2,
            return_arrow: false,
            broadcast: false,
        },
        Style::AsyncRequest => LinkLook {
            style,
            pattern: LinePattern::Dashed {
                dash: 9.0,
                gap: 5.0,
            },
            head: ArrowHead::Open,
            width: 2.0,
            return_arrow: true,
            broadcast: false,
        },
        Style::Event => LinkLook {
            style,
            pattern: LinePattern::Dotted { spacing: 6.0 },
            head: ArrowHead::Hollow,
            width: 2.4,
            return_arrow: false,
            broadcast: true,
        },
        Style::CommonData => LinkLook {
            style,
            pattern: LinePattern::Dashed {
                dash: 3.0,
                gap: 3.0,
            },
            head: ArrowHead::Open,
            width: 1.3,
            return_arrow: false,
            broadcast: false,
        },
    }
}

/// The colour of links of `style`: Okabe–Ito vermillion (sync: blocking,
/// the style to watch), blue (async request), bluish green (event) and
/// reddish purple (common data), each adjusted for contrast on `theme`.
pub fn style_color(style: Style, theme: Theme) -> Rgba {
    match (style, theme) {
        (Style::Sync, Theme::Light) => Rgba::hex(0xD55E00),
        (Style::Sync, Theme::Dark) => Rgba::hex(0xF58A4B),
        (Style::AsyncRequest, Theme::Light) => Rgba::hex(0x0072B2),
        (Style::AsyncRequest, Theme::Dark) => Rgba::hex(0x56B4E9),
        (Style::Event, Theme::Light) => Rgba::hex(0x008766),
        (Style::Event, Theme::Dark) => Rgba::hex(0x2FC49C),
        (Style::CommonData, Theme::Light) => Rgba::hex(0xA8558A),
        (Style::CommonData, Theme::Dark) => Rgba::hex(0xE69BC9),
    }
}

/// The fill of a cell of the chaos heat map, the same in the app and the
/// report: red for an entry point broken, darker the more availability it
/// lost (a tenth or more is full), amber for delayed, a faint grey for
/// unaffected.
pub fn chaos_fill(palette: &Palette, outcome: crate::study::chaos::Outcome, lost: f64) -> Rgba {
    use crate::study::chaos::Outcome;
    match outcome {
        Outcome::Broken => {
            let depth = if lost.is_finite() {
                (lost * 10.0).clamp(0.0, 1.0)
            } else {
                1.0
            };
            palette.problem.faded(0.35 + 0.65 * depth as f32)
        }
        Outcome::Delayed => palette.highlight.faded(0.55),
        Outcome::Unaffected => palette.grid.faded(0.5),
    }
}

/// The colour of the `i`-th line of a chart (entry points, services,
/// brokers), cycling through eight colours from the Okabe–Ito palette,
/// darkened or lightened where needed to stand out on `theme`'s canvas.
pub fn series_color(i: usize, theme: Theme) -> Rgba {
    const LIGHT: [u32; 8] = [
        0x0072B2, 0xD55E00, 0x008766, 0xA8558A, 0xB07800, 0x3A8FC6, 0x4A5566, 0x7A6A00,
    ];
    const DARK: [u32; 8] = [
        0x56B4E9, 0xF58A4B, 0x2FC49C, 0xE69BC9, 0xF0B429, 0x9BD0F0, 0xC4CBD6, 0xF0E442,
    ];
    let table = match theme {
        Theme::Light => &LIGHT,
        Theme::Dark => &DARK,
    };
    Rgba::hex(table[i % table.len()])
}

/// A style's name as people read it (the file's name with spaces):
/// "async request", not `async_request`.
pub fn style_name(style: Style) -> &'static str {
    match style {
        Style::Sync => "sync",
        Style::AsyncRequest => "async request",
        Style::Event => "event",
        Style::CommonData => "common data",
    }
}

/// What a style means, in a few words, for legends: how the two sides
/// depend on each other.
pub fn style_meaning(style: Style) -> &'static str {
    match style {
        Style::Sync => "the caller waits, blocked, for the answer",
        Style::AsyncRequest => "request through a queue; the answer comes back later",
        Style::Event => "published; every subscriber gets a copy",
        Style::CommonData => "written to a store; readers poll for it",
    }
}

/// The outline of a message drawn moving along a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GlyphShape {
    /// A filled dot.
    Dot,
    /// A filled diamond.
    Diamond,
    /// A filled triangle pointing the way it travels.
    Arrow,
    /// A cross.
    Cross,
    /// A hollow ring.
    Ring,
}

/// How a message of one kind is drawn in an animation and its legend. Kinds
/// differ in shape as well as colour, and every colour is set off from the
/// line under it by a ring in the canvas colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MessageLook {
    /// The kind it draws.
    pub kind: HopKind,
    /// Its outline.
    pub shape: GlyphShape,
    /// Its colour.
    pub color: Rgba,
    /// What it is, in a word or two, for the legend.
    pub label: &'static str,
}

/// Every kind of message, in legend order.
pub const MESSAGE_KINDS: [HopKind; 5] = [
    HopKind::Request,
    HopKind::Response,
    HopKind::Error,
    HopKind::Event,
    HopKind::Lost,
];

/// How messages of `kind` are drawn on `theme`: requests ink dots,
/// responses green diamonds, failures red crosses, events orange arrows
/// (Okabe–Ito orange, a colour no link style uses), lost messages grey
/// rings.
pub fn message_look(kind: HopKind, theme: Theme) -> MessageLook {
    let palette = Palette::of(theme);
    let (shape, color, label) = match kind {
        HopKind::Request => (GlyphShape::Dot, palette.text, "request"),
        HopKind::Response => (GlyphShape::Diamond, palette.ok, "response"),
        HopKind::Error => (GlyphShape::Cross, palette.problem, "failure"),
        HopKind::Event => (
            GlyphShape::Arrow,
            match theme {
                Theme::Light => Rgba::hex(0xE69F00),
                Theme::Dark => Rgba::hex(0xF0B429),
            },
            "event",
        ),
        HopKind::Lost => (GlyphShape::Ring, palette.text_muted, "lost"),
    };
    MessageLook {
        kind,
        shape,
        color,
        label,
    }
}

/// The colours of a node's live state while a simulation plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveColors {
    /// Workers doing their own work.
    pub working: Rgba,
    /// Workers held waiting on `sync` calls: the colour of `sync` links,
    /// so a stuck worker points at the blocking calls it waits on.
    pub blocked: Rgba,
    /// The empty part of a worker bar.
    pub idle: Rgba,
    /// Requests waiting in a queue, messages waiting in a broker.
    pub waiting: Rgba,
    /// A node that is down: crossed out.
    pub down: Rgba,
    /// A node slowed down by a fault: its badge.
    pub slow: Rgba,
}

/// The live-state colours of `theme`.
pub fn live_colors(theme: Theme) -> LiveColors {
    let palette = Palette::of(theme);
    LiveColors {
        working: Rgba::hex(0x56B4E9),
        blocked: style_color(Style::Sync, theme),
        idle: palette.grid,
        waiting: palette.highlight,
        down: palette.problem,
        slow: series_color(3, theme),
    }
}

/// The outline of a node, one per kind, so the kind reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeShape {
    /// A service: a rounded box.
    RoundedBox,
    /// A broker: a cylinder on its side, the classic picture of a queue.
    Queue,
    /// A data store: an upright cylinder, the classic picture of a database.
    Cylinder,
    /// A client: a circle with a person in it, the name below.
    Person,
}

impl NodeShape {
    /// The shape of nodes of `kind`.
    pub fn of(kind: &NodeKind) -> Self {
        match kind {
            NodeKind::Service(_) => Self::RoundedBox,
            NodeKind::Broker(_) => Self::Queue,
            NodeKind::DataStore(_) => Self::Cylinder,
            NodeKind::Client => Self::Person,
        }
    }

    /// Width and height of the outline in graph units (for a person, the
    /// circle; its name goes below).
    pub fn size(self) -> (f32, f32) {
        match self {
            Self::RoundedBox => (160.0, 60.0),
            Self::Queue => (150.0, 54.0),
            Self::Cylinder => (124.0, 76.0),
            Self::Person => (52.0, 52.0),
        }
    }

    /// How far the drawing reaches beyond the outline's bottom edge, in
    /// graph units (a person's name), so fitting the view keeps it visible.
    pub fn label_below(self) -> f32 {
        match self {
            Self::Person => 22.0,
            Self::RoundedBox | Self::Queue | Self::Cylinder => 0.0,
        }
    }

    /// The half-height of the elliptic ends of cylinders, graph units.
    pub const CYLINDER_CAP: f32 = 9.0;

    /// The distance from the centre to the outline in direction `dir`
    /// (any length), in graph units: where a link touching the node starts
    /// or ends. Boxes and cylinders are treated as their bounding box.
    pub fn boundary_distance(self, dir: emath::Vec2) -> f32 {
        let (w, h) = self.size();
        let (dx, dy) = (dir.x, dir.y);
        let len = (dx * dx + dy * dy).sqrt();
        if !len.is_finite() || len == 0.0 {
            return 0.0;
        }
        let (ux, uy) = (dx / len, dy / len);
        match self {
            Self::Person => w / 2.0,
            Self::RoundedBox | Self::Queue | Self::Cylinder => {
                let tx = if ux.abs() > f32::EPSILON {
                    (w / 2.0) / ux.abs()
                } else {
                    f32::INFINITY
                };
                let ty = if uy.abs() > f32::EPSILON {
                    (h / 2.0) / uy.abs()
                } else {
                    f32::INFINITY
                };
                tx.min(ty)
            }
        }
    }
}

/// The colours of the canvas and of everything on it, for one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// The canvas background.
    pub canvas: Rgba,
    /// The dot grid on the canvas.
    pub grid: Rgba,
    /// Node names and labels.
    pub text: Rgba,
    /// Secondary text (captions under names).
    pub text_muted: Rgba,
    /// Node outlines.
    pub node_stroke: Rgba,
    /// Fill of services.
    pub service_fill: Rgba,
    /// Fill of brokers.
    pub broker_fill: Rgba,
    /// Fill of data stores.
    pub store_fill: Rgba,
    /// Fill of clients.
    pub client_fill: Rgba,
    /// Outline and halo of selected elements.
    pub selection: Rgba,
    /// Halo of highlighted elements (findings, drop targets).
    pub highlight: Rgba,
    /// Marks on elements with validation problems.
    pub problem: Rgba,
    /// "All is well" marks (a valid design).
    pub ok: Rgba,
}

const LIGHT: Palette = Palette {
    canvas: Rgba::hex(0xFAFAF7),
    grid: Rgba::hex(0xD9D9D2),
    text: Rgba::hex(0x1B2430),
    text_muted: Rgba::hex(0x5A6472),
    node_stroke: Rgba::hex(0x4A5566),
    service_fill: Rgba::hex(0xE6EDF7),
    broker_fill: Rgba::hex(0xF5EDD6),
    store_fill: Rgba::hex(0xE2EFE6),
    client_fill: Rgba::hex(0xEEE6F4),
    selection: Rgba::hex(0x1F6FD1),
    highlight: Rgba::hex(0xE69F00),
    problem: Rgba::hex(0xC62828),
    ok: Rgba::hex(0x2E7D32),
};

const DARK: Palette = Palette {
    canvas: Rgba::hex(0x1B1D21),
    grid: Rgba::hex(0x34373D),
    text: Rgba::hex(0xE6E9EE),
    text_muted: Rgba::hex(0xA3ABB8),
    node_stroke: Rgba::hex(0x9AA5B5),
    service_fill: Rgba::hex(0x27313F),
    broker_fill: Rgba::hex(0x3A3322),
    store_fill: Rgba::hex(0x213729),
    client_fill: Rgba::hex(0x332A3D),
    selection: Rgba::hex(0x5AA9FF),
    highlight: Rgba::hex(0xF0B429),
    problem: Rgba::hex(0xFF6B6B),
    ok: Rgba::hex(0x7BC67E),
};

impl Palette {
    /// The palette of `theme`.
    pub fn of(theme: Theme) -> &'static Palette {
        match theme {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }

    /// The fill of nodes of `shape`.
    pub fn fill(&self, shape: NodeShape) -> Rgba {
        match shape {
            NodeShape::RoundedBox => self.service_fill,
            NodeShape::Queue => self.broker_fill,
            NodeShape::Cylinder => self.store_fill,
            NodeShape::Person => self.client_fill,
        }
    }
}

/// A distribution in words: `LogNormal, mean 25 ms, sd 10 ms`.
pub fn describe_distribution(d: &Distribution) -> String {
    match *d {
        Distribution::Constant { ms } => format!("constant {}", setting_ms(ms)),
        Distribution::Exponential { mean_ms } => {
            format!("exponential, mean {}", setting_ms(mean_ms))
        }
        Distribution::LogNormal { mean_ms, sd_ms } => format!(
            "log-normal, mean {}, sd {}",
            setting_ms(mean_ms),
            setting_ms(sd_ms)
        ),
        Distribution::Uniform { min_ms, max_ms } => {
            format!("uniform {} – {}", setting_ms(min_ms), setting_ms(max_ms))
        }
        Distribution::Gamma { mean_ms, sd_ms } => format!(
            "gamma, mean {}, sd {}",
            setting_ms(mean_ms),
            setting_ms(sd_ms)
        ),
        Distribution::Erlang { k, mean_ms } => {
            format!("Erlang, {k} phases, mean {}", setting_ms(mean_ms))
        }
        Distribution::Empirical { ref values_ms } => format!(
            "{} measured values, mean {}",
            values_ms.len(),
            setting_ms(d.mean_ms())
        ),
        Distribution::Histogram { ref buckets } => format!(
            "histogram of {} buckets, mean {}",
            buckets.len(),
            setting_ms(d.mean_ms())
        ),
    }
}

/// An availability in words: `99.5 % up`, `99 % up (MTTF 1 h, MTTR 36 s)`.
pub fn describe_availability(a: &Availability) -> String {
    match *a {
        Availability::Always => "always up".into(),
        Availability::Fraction(f) => format!("{} up", setting_percent(f)),
        Availability::Mttf { mttf_s, mttr_s } => format!(
            "{} up (MTTF {}, MTTR {})",
            setting_percent(a.fraction_up()),
            setting_ms(mttf_s * 1000.0),
            setting_ms(mttr_s * 1000.0)
        ),
    }
}

/// The short line under a node's name: the one or two facts that matter
/// most for its kind.
pub fn node_caption(node: &Node) -> String {
    match &node.kind {
        NodeKind::Service(s) => {
            let mut caption = format!(
                "{} worker{}",
                s.workers,
                if s.workers == 1 { "" } else { "s" }
            );
            if let Some(op) = s.operations.first() {
                caption.push_str(" · ");
                caption.push_str(&setting_ms(op.mean_work_ms()));
            }
            if s.availability != Availability::Always {
                caption.push_str(" · ");
                caption.push_str(&setting_percent(s.availability.fraction_up()));
            }
            caption
        }
        NodeKind::Broker(b) => {
            let kind = match b.kind {
                crate::model::BrokerKind::Log => "log",
                crate::model::BrokerKind::Queue => "queue",
            };
            if b.durable {
                kind.to_owned()
            } else {
                format!("{kind} · not durable")
            }
        }
        NodeKind::DataStore(d) => {
            let kind = match d.kind {
                crate::model::StoreKind::Database => "database",
                crate::model::StoreKind::Cache => "cache",
                crate::model::StoreKind::FileShare => "file share",
                crate::model::StoreKind::DataLake => "data lake",
            };
            format!("{kind} · {}", setting_ms(d.read_latency.mean_ms()))
        }
        NodeKind::Client => String::new(),
    }
}

/// The key properties of a node, as label and value, for tooltips and
/// report hover texts.
pub fn node_facts(node: &Node) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("name", node.name.clone()),
        ("kind", node.kind_name().to_owned()),
        ("id", node.id.to_string()),
    ];
    match &node.kind {
        NodeKind::Service(s) => {
            facts.push(("workers", s.workers.to_string()));
            if let Some(cap) = s.queue_capacity {
                facts.push(("queue capacity", cap.to_string()));
            }
            for op in &s.operations {
                facts.push((
                    "operation",
                    format!("{}: {}", op.name, describe_steps(&op.steps)),
                ));
            }
            facts.push(("availability", describe_availability(&s.availability)));
            if s.error_rate > 0.0 {
                facts.push(("error rate", setting_percent(s.error_rate)));
            }
        }
        NodeKind::Broker(b) => {
            facts.push(("durable", if b.durable { "yes" } else { "no" }.into()));
            facts.push((
                "delivery latency",
                describe_distribution(&b.delivery_latency),
            ));
        }
        NodeKind::DataStore(d) => {
            facts.push(("read latency", describe_distribution(&d.read_latency)));
            facts.push(("write latency", describe_distribution(&d.write_latency)));
            if let Some(c) = d.connections {
                facts.push(("connections", c.to_string()));
            }
            facts.push(("availability", describe_availability(&d.availability)));
        }
        NodeKind::Client => {}
    }
    facts
}

/// The label drawn on a link: its technology, or nothing when it is
/// "other" (a label that says nothing only adds clutter).
pub fn link_label(link: &Link) -> Option<&'static str> {
    (link.technology != Technology::Other).then(|| link.technology.label())
}

/// Each queue that gives up on messages and the dead-letter queue it
/// moves them to, as node indices, once per pair: drawn as a line between
/// the two, so a dead-letter queue never floats alone. The queue is the one
/// a request goes through, or the broker a consumer reads from.
pub fn dead_letter_joins(design: &Design) -> Vec<(usize, usize)> {
    let index = |id: &crate::model::NodeId| design.nodes.iter().position(|n| &n.id == id);
    let mut joins: Vec<(usize, usize)> = design
        .links
        .iter()
        .filter_map(|link| {
            let dead = index(link.dead_letter.as_ref()?)?;
            let queue = match &link.via {
                Some(via) => index(via)?,
                None => index(&link.from)
                    .filter(|&i| matches!(design.nodes[i].kind, NodeKind::Broker(_)))?,
            };
            (queue != dead).then_some((queue, dead))
        })
        .collect();
    joins.sort_unstable();
    joins.dedup();
    joins
}

/// What protects a call or a delivery, each in a few words drawn beside
/// the link: its timeout, retries and delivery limit ("timeout 2 s", "3
/// retries"); empty when it has none.
pub fn link_limits(link: &Link) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(t) = link.timeout_ms {
        parts.push(format!("timeout {}", setting_ms(t)));
    }
    match link.retries {
        0 => {}
        1 => parts.push("1 retry".to_owned()),
        n => parts.push(format!("{n} retries")),
    }
    if let Some(n) = link.max_deliveries {
        parts.push(format!(
            "{n} deliver{} at most",
            if n == 1 { "y" } else { "ies" }
        ));
    }
    parts
}

/// A link as people name it: the display names of its ends, "Trading
/// Desk → Pricing Grid".
pub fn link_name(
    design: &Design,
    from: &crate::model::NodeId,
    to: &crate::model::NodeId,
) -> String {
    format!(
        "{} → {}",
        design.display_name(from),
        design.display_name(to)
    )
}

/// A kind of fault as people read it ("slow-down", not `SlowDown`), from
/// the name the file uses.
pub fn fault_kind_label(kind: &str) -> &'static str {
    match kind {
        "Crash" => "crash",
        "SlowDown" => "slow-down",
        "Drop" => "dropped messages",
        "Error" => "errors",
        "Poison" => "poison messages",
        _ => "fault",
    }
}

/// The key properties of link `link` of `design`, as label and value, for
/// tooltips and report hover texts; nodes by their display names.
pub fn link_facts(design: &Design, link: &Link) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("link", link_name(design, &link.from, &link.to)),
        (
            "style",
            format!("{}: {}", style_name(link.style), style_meaning(link.style)),
        ),
        ("technology", link.technology.label().to_owned()),
        ("latency", describe_distribution(&link.latency)),
    ];
    if let Some(t) = link.timeout_ms {
        facts.push(("timeout", setting_ms(t)));
    } else if link.style == Style::Sync {
        facts.push(("timeout", "none: waits for ever".into()));
    }
    if link.retries > 0 {
        facts.push((
            "retries",
            format!(
                "{} (backoff {} ×{})",
                link.retries,
                setting_ms(link.backoff_ms),
                setting(link.backoff_multiplier)
            ),
        ));
    }
    if let Some(name) = &link.name {
        facts.push(("name", name.clone()));
    }
    facts
}

/// An operation's steps in one line of words: `work 5 ms, call
/// stockist_a, publish orders` (nested blocks as their kind).
pub fn describe_steps(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "does nothing".into();
    }
    let parts: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Step::Work(d) => format!("work {}", setting_ms(d.mean_ms())),
            Step::Reply => "reply".into(),
            Step::Parallel(s) => format!("{} in parallel", s.len()),
            Step::Sequence(s) => format!("{} in sequence", s.len()),
            Step::Choice(b) => format!("one of {}", b.len()),
            other => format!(
                "{} {}",
                other.kind_name().to_lowercase(),
                other.link().unwrap_or_default()
            ),
        })
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_letter_queue_is_joined_to_its_queue_once() {
        let design = crate::library::example("pricing-grid-dead-letter");
        let index = |id: &str| {
            design
                .nodes
                .iter()
                .position(|n| n.id.as_str() == id)
                .unwrap()
        };
        assert_eq!(
            dead_letter_joins(&design),
            vec![(index("pricing_requests"), index("pricing_requests_dlq"))]
        );
        let plain = crate::library::example("fraud-check-blocking");
        assert!(dead_letter_joins(&plain).is_empty());
    }

    #[test]
    fn a_link_shows_its_timeout_retries_and_delivery_limit() {
        let design = crate::library::example("pricing-grid-dead-letter");
        let link = design
            .links
            .iter()
            .find(|l| l.max_deliveries.is_some())
            .unwrap();
        assert_eq!(link_limits(link), ["timeout 10 s", "3 deliveries at most"]);
        let mut bare = link.clone();
        (bare.timeout_ms, bare.max_deliveries, bare.retries) = (None, None, 1);
        assert_eq!(link_limits(&bare), ["1 retry"]);
    }

    #[test]
    fn figures_never_read_minus_zero() {
        assert_eq!(setting_ms(-0.001), "0 ms");
    }

    #[test]
    fn every_style_has_its_own_pattern_or_head() {
        // Told apart without colour: no two styles share pattern and head
        // and marks.
        for (i, a) in Style::ALL.iter().enumerate() {
            for b in &Style::ALL[i + 1..] {
                let (la, lb) = (link_look(*a), link_look(*b));
                assert!(
                    la.pattern != lb.pattern
                        || la.head != lb.head
                        || la.return_arrow != lb.return_arrow
                        || la.broadcast != lb.broadcast,
                    "{a} and {b} look alike"
                );
                assert_eq!(la.style, *a);
            }
        }
    }

    #[test]
    fn style_colours_differ_within_each_theme() {
        for theme in [Theme::Light, Theme::Dark] {
            let colours: std::collections::HashSet<_> =
                Style::ALL.iter().map(|s| style_color(*s, theme)).collect();
            assert_eq!(colours.len(), 4);
        }
    }

    #[test]
    fn boundary_distance_hits_the_box_edges() {
        let shape = NodeShape::RoundedBox;
        let (w, h) = shape.size();
        assert_eq!(shape.boundary_distance(emath::vec2(1.0, 0.0)), w / 2.0);
        assert_eq!(shape.boundary_distance(emath::vec2(0.0, -3.0)), h / 2.0);
        assert_eq!(shape.boundary_distance(emath::Vec2::ZERO), 0.0);
        assert_eq!(
            NodeShape::Person.boundary_distance(emath::vec2(1.0, 1.0)),
            26.0
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(setting_ms(15.0), "15 ms");
        assert_eq!(setting_ms(0.25), "0.25 ms");
        assert_eq!(setting_ms(1500.0), "1.5 s");
        assert_eq!(setting_ms(120_000.0), "2 min");
    }

    #[test]
    fn patterns_become_dashes_and_dots() {
        assert_eq!(LinePattern::Solid.dashes(), None);
        let dots = LinePattern::Dotted { spacing: 6.0 }.dashes().expect("dots");
        assert!(dots.round && dots.on == 0.0 && dots.off == 6.0);
        let dashes = LinePattern::Dashed {
            dash: 9.0,
            gap: 5.0,
        }
        .dashes()
        .expect("dashes");
        assert!(!dashes.round && dashes.on == 9.0);
    }

    #[test]
    fn chart_colours_differ_within_a_cycle() {
        for theme in [Theme::Light, Theme::Dark] {
            let colours: std::collections::HashSet<_> =
                (0..8).map(|i| series_color(i, theme)).collect();
            assert_eq!(colours.len(), 8);
            assert_eq!(series_color(8, theme), series_color(0, theme));
        }
    }

    #[test]
    fn message_kinds_differ_in_shape_and_colour() {
        for theme in [Theme::Light, Theme::Dark] {
            let looks: Vec<MessageLook> = MESSAGE_KINDS
                .iter()
                .map(|k| message_look(*k, theme))
                .collect();
            for (i, a) in looks.iter().enumerate() {
                assert_eq!(a.kind, MESSAGE_KINDS[i]);
                for b in &looks[i + 1..] {
                    assert!(a.shape != b.shape && a.color != b.color, "{a:?} {b:?}");
                }
            }
        }
        // Blocked workers wear the colour of the calls they wait on.
        assert_eq!(
            live_colors(Theme::Dark).blocked,
            style_color(Style::Sync, Theme::Dark)
        );
    }

    #[test]
    fn faded_scales_opacity() {
        assert_eq!(Rgba::hex(0x102030).faded(0.5).a, 128);
        assert_eq!(Rgba::hex(0x102030).to_hex(), "#102030");
    }
}
