//! The rules of each communication style, written once: which kinds of
//! node a style joins, which link fields apply to it, what counts as
//! asynchronous consumption, and which steps may go through it.
//! Validation, the editor, the advisor and the engine all ask here.

use super::{Link, NodeKind, Step, Style};

/// Where `max_deliveries` and `dead_letter` apply, in words.
pub(crate) const ASYNC_CONSUMPTION: &str = "asynchronous consumption (async_request links through a queue named by `via`, or event links from a broker to a subscriber)";
/// Where `timeout_ms` and `retries` apply, in words.
pub(crate) const REQUEST_RESPONSE: &str = "request-response links (sync, async_request)";

impl Style {
    /// Whether the caller gets an answer back (timeouts and retries apply).
    pub fn is_request_response(self) -> bool {
        matches!(self, Style::Sync | Style::AsyncRequest)
    }
}

impl Link {
    /// Whether the receiver consumes the link's messages asynchronously,
    /// from a broker: a failed message is redelivered (up to
    /// `max_deliveries`, then dead-lettered) rather than answered. True
    /// for subscriptions (event links from a broker) and for
    /// `async_request` links through a queue (`via`).
    pub fn consumes_async(&self, from: &NodeKind) -> bool {
        match self.style {
            Style::AsyncRequest => self.via.is_some(),
            Style::Event => matches!(from, NodeKind::Broker(_)),
            Style::Sync | Style::CommonData => false,
        }
    }
}

/// Whether a link of `style` may go from a node of kind `from` to one of
/// kind `to`, so the editor offers only styles that make sense there.
pub fn style_allowed(style: Style, from: &NodeKind, to: &NodeKind) -> bool {
    kind_rule_violation(style, from, to).is_none()
}

/// Which kinds of node each style may join. Returns the rule, in words,
/// when `from -> to` breaks it.
pub(crate) fn kind_rule_violation(
    style: Style,
    from: &NodeKind,
    to: &NodeKind,
) -> Option<&'static str> {
    use NodeKind::{Broker, Client, DataStore, Service};
    let caller = matches!(from, Service(_) | Client);
    let ok = match style {
        Style::Sync => caller && matches!(to, Service(_) | DataStore(_)),
        Style::AsyncRequest => caller && matches!(to, Service(_)),
        Style::Event => {
            (caller && matches!(to, Broker(_) | Service(_)))
                || (matches!(from, Broker(_)) && matches!(to, Service(_)))
        }
        Style::CommonData => {
            (caller && matches!(to, DataStore(_)))
                || (matches!(from, DataStore(_)) && matches!(to, Service(_)))
        }
    };
    (!ok).then_some(match style {
        Style::Sync => "a sync call goes from a service or client to a service or data store",
        Style::AsyncRequest => {
            "an async_request goes from a service or client to a service (name the queue with `via`)"
        }
        Style::Event => {
            "an event goes from a publisher (service or client) to a broker or a subscribing service, or from a broker to a subscribing service"
        }
        Style::CommonData => {
            "common_data goes from a writer (service or client) to a data store, or from a data store to a service that polls it"
        }
    })
}

/// Why `step` may not go through a link of `style` to a node of kind
/// `to`, in words that say what would fit; `None` when it may.
pub fn step_link_violation(step: &Step, style: Style, to: &NodeKind) -> Option<&'static str> {
    let store = matches!(to, NodeKind::DataStore(_));
    let ok = match step {
        Step::Call(_) => style == Style::Sync && !store,
        Step::Read(_) => style == Style::Sync && store,
        Step::Write(_) | Step::Update(_) => {
            store && matches!(style, Style::Sync | Style::CommonData)
        }
        Step::Publish(_) => style == Style::Event,
        Step::Request(_) => style == Style::AsyncRequest,
        _ => true,
    };
    (!ok).then_some(match step {
        Step::Call(_) => "Call goes through a sync link to a service (use Read, Write or Update for a data store)",
        Step::Read(_) => "Read goes through a sync link to a data store",
        Step::Write(_) | Step::Update(_) => {
            "Write and Update go through a sync or common_data link to a data store"
        }
        Step::Publish(_) => "Publish goes through an event link",
        Step::Request(_) => "Request goes through an async_request link",
        _ => "",
    })
}

/// The step kinds that may go through a link of `style` to `to`, for the
/// editor's "add step" menu.
pub fn steps_for_link(style: Style, to: &NodeKind) -> &'static [&'static str] {
    let store = matches!(to, NodeKind::DataStore(_));
    match style {
        Style::Sync if store => &["Read", "Write", "Update"],
        Style::Sync => &["Call"],
        Style::CommonData if store => &["Write", "Update"],
        Style::AsyncRequest => &["Request"],
        Style::Event => &["Publish"],
        Style::CommonData => &[],
    }
}
