//! API keys: how they are made, stored and checked.
//!
//! A key is `vk_` and 40 random letters and digits. The store keeps only its SHA-256 (hex) and
//! its first characters; a request sends the key as `Authorization: Bearer KEY`, and the
//! handler gets a [`Caller`] (any key) or a [`WriteCaller`] (a write key; a read key gets 403).
//!
//! Keys found in the store are remembered for [`KEY_CACHE_TTL`], so that a busy server asks the
//! database about each key about once a second instead of once per request; a key revoked by
//! another process is refused within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use vouch_store::{ApiKey, ApiKeyId, KeyScope, Store, StoreResult, WorkspaceId};

use crate::ApiState;
use crate::error::ApiError;

/// How long a key read from the store is trusted.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(1);

/// The most keys (known or unknown) remembered at once; the cache starts afresh beyond.
const KEY_CACHE_ENTRIES: usize = 10_000;

/// The characters of a key after `vk_`.
const SECRET_CHARS: usize = 40;

/// The characters of a key kept as its recognisable prefix (`vk_` and 6 more).
const PREFIX_CHARS: usize = 9;

/// The hex SHA-256 of a key: what the store keeps and looks keys up by.
pub fn hash_api_key(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    hex(&digest)
}

/// Lower-case hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// A new random key and its prefix: `("vk_…40 letters and digits…", "vk_Ab3dE9")`. Show the
/// key once, store [`hash_api_key`] of it and the prefix.
pub fn generate_api_key() -> (String, String) {
    let secret = format!(
        "vk_{}",
        Alphanumeric.sample_string(&mut rand::rng(), SECRET_CHARS)
    );
    let prefix = secret[..PREFIX_CHARS].to_owned();
    (secret, prefix)
}

/// Who is calling: the workspace of their key, and what it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The only workspace this request can see.
    pub workspace: WorkspaceId,
    /// What the key may do.
    pub scope: KeyScope,
    /// The key.
    pub key: ApiKeyId,
}

/// A caller whose key may write; extracting it from a read key's request is a 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteCaller(pub Caller);

/// Keys recently read from the store, by hash (`None`: no such key).
#[derive(Debug, Default)]
pub struct KeyCache {
    entries: Mutex<HashMap<String, (Instant, Option<ApiKey>)>>,
}

impl KeyCache {
    /// The key with this hash, from memory when read less than [`KEY_CACHE_TTL`] ago.
    pub async fn key(&self, store: &dyn Store, hash: &str) -> StoreResult<Option<ApiKey>> {
        if let Some(found) = self.remembered(hash) {
            return Ok(found);
        }
        let found = store.api_key_by_hash(hash).await?;
        let mut entries = self.lock();
        if entries.len() >= KEY_CACHE_ENTRIES {
            entries.clear();
        }
        entries.insert(hash.to_owned(), (Instant::now(), found.clone()));
        Ok(found)
    }

    fn remembered(&self, hash: &str) -> Option<Option<ApiKey>> {
        let entries = self.lock();
        let (read_at, found) = entries.get(hash)?;
        (read_at.elapsed() < KEY_CACHE_TTL).then(|| found.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Option<ApiKey>)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The key of an `Authorization: Bearer KEY` header.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Err(ApiError::Unauthorized(
            "missing API key: send it as `Authorization: Bearer KEY`".into(),
        ));
    };
    let malformed =
        || ApiError::Unauthorized("the Authorization header must be `Bearer KEY`".into());
    let text = value.to_str().map_err(|_| malformed())?;
    let (scheme, key) = text.trim().split_once(' ').ok_or_else(malformed)?;
    let key = key.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || key.is_empty() {
        return Err(malformed());
    }
    Ok(key)
}

impl FromRequestParts<ApiState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Caller, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(*caller);
        }
        let hash = hash_api_key(bearer(parts)?);
        let key = state.caches().keys.key(state.store(), &hash).await?;
        let key = match key {
            None => return Err(ApiError::Unauthorized("unknown API key".into())),
            Some(key) if key.revoked_at.is_some() => {
                return Err(ApiError::Unauthorized("this API key was revoked".into()));
            }
            Some(key) => key,
        };
        let caller = Caller {
            workspace: key.workspace,
            scope: key.scope,
            key: key.id,
        };
        parts.extensions.insert(caller);
        Ok(caller)
    }
}

impl FromRequestParts<ApiState> for WriteCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ApiState,
    ) -> Result<WriteCaller, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.scope {
            KeyScope::Write => Ok(WriteCaller(caller)),
            KeyScope::Read => Err(ApiError::Forbidden(
                "this API key is read-only: writing needs a key created with --scope write".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_hashed_to_64_hex_digits() {
        assert_eq!(
            hash_api_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn generated_keys_are_random_and_start_with_their_prefix() {
        let (first, prefix) = generate_api_key();
        let (second, _) = generate_api_key();
        assert_ne!(first, second);
        assert_eq!(first.len(), 3 + SECRET_CHARS);
        assert!(first.starts_with("vk_") && first.starts_with(&prefix));
        assert_eq!(prefix.len(), PREFIX_CHARS);
        assert!(first[3..].chars().all(|c| c.is_ascii_alphanumeric()));
    }

    fn parts(authorization: Option<&str>) -> Parts {
        let mut request = axum::http::Request::builder();
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_key_is_read_from_a_bearer_header_only() {
        assert_eq!(bearer(&parts(Some("Bearer vk_abc"))).unwrap(), "vk_abc");
        assert_eq!(bearer(&parts(Some("bearer  vk_abc "))).unwrap(), "vk_abc");
        for refused in [None, Some("Basic dXNlcjpw"), Some("Bearer"), Some("vk_abc")] {
            let error = bearer(&parts(refused)).unwrap_err();
            assert!(matches!(error, ApiError::Unauthorized(_)), "{refused:?}");
        }
    }
}
