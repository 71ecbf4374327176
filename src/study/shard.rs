//! Studies beyond one machine: a study's variants (a sensitivity factor,
//! a chaos experiment) are independent simulations, so `--shard K/N` runs
//! every N-th of them, starting at the K-th, as a [`Part`], and [`merge`]
//! puts the parts back together into exactly the study one machine would
//! have made: the same variants, the same seeds, the same order. Each
//! part also simulates the design as it is (the baseline every variant is
//! paired with), so parts need nothing from each other and run as
//! independent jobs of any batch engine.

use std::fmt;
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::{Design, file};

/// Part `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which part, from 1.
    pub index: u32,
    /// How many parts.
    pub count: u32,
}

impl Shard {
    /// Whether variant `i` (from 0) is this part's.
    pub fn takes(self, i: usize) -> bool {
        i % self.count as usize == (self.index - 1) as usize
    }

    /// How many of `variants` are this part's.
    pub fn share(self, variants: usize) -> usize {
        (0..variants).filter(|&i| self.takes(i)).count()
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `2/4`: the second part of four.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("a shard is K/N with 1 ≤ K ≤ N (2/4: the second part of four), not {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

/// One part of a study: its share of the variants, with what identifies
/// the study it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part<S> {
    /// Which part of how many.
    pub shard: Shard,
    /// How many variants the whole study has.
    pub variants: usize,
    /// CRC-32 of the design's canonical text: the parts of one study
    /// studied the same design.
    pub design_crc32: u32,
    /// The study with this part's variants only, in the study's order.
    pub study: S,
}

/// Most bytes read of a part: far more than the parts of a study of a
/// thousand services, far less than the memory of a batch job.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file is not a part archsim can merge.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    /// It could not be read.
    #[error("{file}: cannot read it: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// It is larger than [`MAX_PART_BYTES`].
    #[error("{file}: {bytes} bytes, more than a part can be ({MAX_PART_BYTES})")]
    TooLarge {
        /// The file.
        file: String,
        /// At least this many bytes.
        bytes: u64,
    },
    /// It is not JSON, or not the JSON of a part.
    #[error("{file}:{line}:{column}: {message}")]
    Json {
        /// The file.
        file: String,
        /// Where, from 1 (0: the document as a whole).
        line: usize,
        /// Where, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// It is not a part of a study, or a part of another kind of study.
    #[error("{file}: {found}, not a part of a study made with --shard (kind {expected})")]
    NotAPart {
        /// The file.
        file: String,
        /// The kind it says it is.
        found: String,
        /// The kind expected.
        expected: String,
    },
    /// Another version of archsim made it: its simulations may differ.
    #[error("{file}: made by archsim {theirs}; merge the parts with the version that made them, or make them again with {}", env!("CARGO_PKG_VERSION"))]
    Version {
        /// The file.
        file: String,
        /// The version that made it.
        theirs: String,
    },
}

/// The kind of JSON document a part of `study` is: `chaos_study_part`.
pub fn part_kind(study: &str) -> String {
    format!("{study}_part")
}

/// A part read from a file but not yet taken apart: its JSON, and the
/// study it says it is a part of.
#[derive(Debug)]
pub struct RawPart {
    /// The file, for messages.
    file: String,
    /// The document.
    json: serde_json::Value,
}

impl RawPart {
    /// Reads the file at `path`: a JSON document made by this version of
    /// archsim. Only a regular file is read, and no more than
    /// [`MAX_PART_BYTES`] of it.
    pub fn read(path: &std::path::Path) -> Result<Self, PartError> {
        use crate::model::read::{Contents, regular_file};
        let file = path.display().to_string();
        let data = match regular_file(path, MAX_PART_BYTES) {
            Ok(Contents::Bytes(data, _)) => data,
            Ok(Contents::TooLarge(bytes)) => return Err(PartError::TooLarge { file, bytes }),
            Err(source) => return Err(PartError::Read { file, source }),
        };
        let json = serde_json::from_slice(&data).map_err(|e| json_error(&file, &e))?;
        Ok(Self { file, json })
    }

    /// The kind of study it says it is a part of: `chaos` for
    /// `chaos_study_part`.
    pub fn study(&self) -> Option<&str> {
        self.json["kind"].as_str()?.strip_suffix("_study_part")
    }

    /// The part, when it is one of `kind` made by this version.
    pub fn into_part<S: DeserializeOwned>(self, kind: &str) -> Result<Part<S>, PartError> {
        let found = self.json["kind"]
            .as_str()
            .unwrap_or("not an archsim document");
        if found != kind {
            return Err(PartError::NotAPart {
                file: self.file,
                found: found.to_owned(),
                expected: kind.to_owned(),
            });
        }
        let theirs = self.json["archsim_version"].as_str().unwrap_or("unknown");
        if theirs != env!("CARGO_PKG_VERSION") {
            return Err(PartError::Version {
                file: self.file,
                theirs: theirs.to_owned(),
            });
        }
        serde_json::from_value(self.json).map_err(|e| json_error(&self.file, &e))
    }
}

/// A JSON error in `file`, with where.
fn json_error(file: &str, e: &serde_json::Error) -> PartError {
    PartError::Json {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// CRC-32 of `design` as the format writes it.
pub fn digest(design: &Design) -> u32 {
    let text = file::to_string(design).unwrap_or_default();
    crc32fast::hash(text.as_bytes())
}

/// A study that splits into variants.
pub trait Divided: Serialize + DeserializeOwned {
    /// One variant's answer.
    type Variant;

    /// The variants measured.
    fn variants_mut(&mut self) -> &mut Vec<Self::Variant>;

    /// Whether it stopped before every variant was measured.
    fn stopped(&self) -> bool;

    /// Puts the variants, gathered in the study's order, in the order the
    /// study shows them.
    fn rank(&mut self) {}
}

/// Why parts do not make a study.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no parts to merge")]
    NoParts,
    /// A part was made for another number of parts.
    #[error("part {part} is one of {count}, the first one of {expected}")]
    CountDiffers {
        /// The part.
        part: Shard,
        /// Its count.
        count: u32,
        /// The first part's.
        expected: u32,
    },
    /// Two parts are the same part.
    #[error("part {0} is given twice")]
    Twice(Shard),
    /// A part is missing.
    #[error("part {index}/{count} is missing")]
    Missing {
        /// Which.
        index: u32,
        /// Of how many.
        count: u32,
    },
    /// A part studied another design, or with other options.
    #[error(
        "part {0} is of another study than part {1}: another design, seed, duration, replications or study option"
    )]
    OtherStudy(Shard, Shard),
    /// A part stopped before its variants were all measured.
    #[error("part {0} stopped early (cancelled or out of time): run it again")]
    Stopped(Shard),
    /// A part has another number of variants than its share.
    #[error("part {part} has {has} variants, not its share of {expected}")]
    Short {
        /// The part.
        part: Shard,
        /// How many it has.
        has: usize,
        /// How many it should.
        expected: usize,
    },
}

/// What a part says about its study once its variants are taken out:
/// equal in every part of one study.
fn identity<S: Divided>(part: &Part<S>) -> (usize, u32, String) {
    let header = serde_json::to_string(&part.study).unwrap_or_default();
    (part.variants, part.design_crc32, header)
}

/// The study the parts make together, exactly as one run would have made
/// it; the parts may come in any order.
pub fn merge<S: Divided>(mut parts: Vec<Part<S>>) -> Result<S, MergeError> {
    let first = parts.first().ok_or(MergeError::NoParts)?;
    let count = first.shard.count;
    if let Some(p) = parts.iter().find(|p| p.shard.count != count) {
        return Err(MergeError::CountDiffers {
            part: p.shard,
            count: p.shard.count,
            expected: count,
        });
    }
    parts.sort_by_key(|p| p.shard.index);
    if let Some(w) = parts.windows(2).find(|w| w[0].shard == w[1].shard) {
        return Err(MergeError::Twice(w[0].shard));
    }
    if let Some(index) = (1..=count).find(|&k| parts.iter().all(|p| p.shard.index != k)) {
        return Err(MergeError::Missing { index, count });
    }
    // Each part's variants, taken out: what is left must be the same
    // study in every part.
    let mut taken = Vec::with_capacity(parts.len());
    for p in &mut parts {
        if p.study.stopped() {
            return Err(MergeError::Stopped(p.shard));
        }
        let variants = std::mem::take(p.study.variants_mut());
        let share = p.shard.share(p.variants);
        if variants.len() != share {
            return Err(MergeError::Short {
                part: p.shard,
                has: variants.len(),
                expected: share,
            });
        }
        taken.push(variants.into_iter());
    }
    let expected = identity(&parts[0]);
    if let Some(p) = parts.iter().find(|p| identity(p) != expected) {
        return Err(MergeError::OtherStudy(p.shard, parts[0].shard));
    }
    let variants = parts[0].variants;
    let mut study = parts.swap_remove(0).study;
    let all = study.variants_mut();
    for i in 0..variants {
        // Every part holds exactly its share (checked above).
        if let Some(v) = taken[i % count as usize].next() {
            all.push(v);
        }
    }
    study.rank();
    Ok(study)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_k_of_n() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "2", "a/b", "1/0", "-1/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let s = Shard { index: 2, count: 3 };
        let mine: Vec<usize> = (0..8).filter(|&i| s.takes(i)).collect();
        assert_eq!(mine, vec![1, 4, 7]);
        assert_eq!(s.share(8), 3);
        // Every variant is in exactly one part.
        for i in 0..20 {
            let owners = (1..=3)
                .filter(|&k| Shard { index: k, count: 3 }.takes(i))
                .count();
            assert_eq!(owners, 1);
        }
    }
}
