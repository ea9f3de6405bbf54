//! Every fixed bound on what Vouch accepts, defined once.
//!
//! Lengths are counted in characters (Unicode scalar values), not bytes, unless the name says
//! bytes. The server's configurable limits (`limits.*` in the settings file) start from the
//! defaults at the end of this module.

/// The longest email address: 254 characters, the longest path an SMTP server accepts
/// (RFC 5321) less its angle brackets.
pub const MAX_EMAIL_CHARS: usize = 254;

/// The longest external id (a contact's id in the customer's own systems), kept equal to
/// [`MAX_EMAIL_CHARS`] so that either key of a contact has the same bound.
pub const MAX_EXTERNAL_ID_CHARS: usize = 254;

/// The longest comment on a response.
pub const MAX_COMMENT_CHARS: usize = 10_000;

/// The longest reply to a respondent ("close the loop"), in characters once trimmed.
pub const MAX_REPLY_CHARS: usize = 5_000;

/// The longest attribute name.
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 64;

/// The longest attribute value.
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 1_000;

/// The most attribute columns one CSV file may have.
pub const MAX_ATTRIBUTES_PER_FILE: usize = 100;

/// The most attributes one contact may be given in one API request.
pub const MAX_ATTRIBUTES_PER_REQUEST: usize = 100;

/// The longest survey name.
pub const MAX_SURVEY_NAME_CHARS: usize = 200;

/// The longest line of a CSV file, in bytes (1 MiB): no longer line is ever buffered.
pub const MAX_CSV_LINE_BYTES: usize = 1 << 20;

/// The most attributes a report may be grouped by.
pub const MAX_GROUP_BY_ATTRIBUTES: usize = 2;

/// The most groups one report may have (the product of the grouping attributes' values).
pub const MAX_GROUPS: usize = 4_000_000;

/// The longest `Idempotency-Key`, in characters.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;

/// The longest name of an API key.
pub const MAX_API_KEY_NAME_CHARS: usize = 100;

/// The longest user name (a dashboard account's display name).
pub const MAX_USER_NAME_CHARS: usize = 100;

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The most characters a password may have: the cost of hashing one is bounded by it.
pub const MAX_PASSWORD_CHARS: usize = 1_000;

/// The page size of a list when the client asks for none (default of
/// `limits.default_page_size`).
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// The largest page a list may return (default of `limits.max_page_size`).
pub const MAX_PAGE_SIZE: usize = 1_000;

/// The largest HTTP request body, in bytes (default of `limits.body_bytes`, 1 MiB).
pub const DEFAULT_BODY_BYTES: usize = 1 << 20;

/// The longest survey question or follow-up wording (default of `limits.wording_chars`).
pub const DEFAULT_WORDING_CHARS: usize = 500;
