//! Defaults and "is it the default?" tests for serde, so saved files leave
//! out every field that has its default value and stay short to read and
//! review.

/// Whether `value` equals its type's default (then it is not written).
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// `true`, for fields whose default is on.
pub(crate) fn yes() -> bool {
    true
}

/// Whether a flag that defaults to on is on.
pub(crate) fn is_true(value: &bool) -> bool {
    *value
}

/// 1.0, for poll intervals and multipliers.
pub(crate) fn one_second() -> f64 {
    1.0
}

/// Whether a value that defaults to 1.0 is 1.0.
pub(crate) fn is_one(value: &f64) -> bool {
    *value == 1.0
}
