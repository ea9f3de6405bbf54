//! Valences of emoji and ASCII emoticons, the same in every language.

/// The valence of one emoji character (skin tones and the emoji variation selector are simply
/// not emoji, so `👍🏽` and `❤️` read as `👍` and `❤`).
pub(super) fn emoji(c: char) -> Option<f32> {
    Some(match c {
        '❤' | '😍' | '🥰' | '😻' | '💖' | '💕' | '💗' | '💙' | '💚' | '💜' | '🧡' | '💛' => {
            2.8
        }
        '🤩' | '🙌' | '👏' | '🎉' | '🥳' | '💯' | '🏆' | '🥇' => 2.6,
        '👍' | '👌' | '😀' | '😃' | '😄' | '😁' | '😊' | '☺' | '😎' | '🤗' | '✅' | '✨' => {
            2.0
        }
        '🔥' | '🚀' | '⭐' | '🌟' | '💪' | '🙏' | '😆' | '😂' | '🤣' | '😉' | '😇' => {
            1.8
        }
        '🙂' | '😌' | '👋' | '✔' => 1.2,
        '😐' | '😑' | '🤷' | '🤔' | '😶' => -0.4,
        '😕' | '😒' | '🙄' | '😬' | '😓' | '🫤' | '🐌' => -1.5,
        '🙁' | '☹' | '😞' | '😔' | '😟' | '😢' | '😥' | '😪' | '😩' | '😫' | '😖' => {
            -2.0
        }
        '👎' | '😭' | '😤' | '💔' | '😣' | '❌' | '⚠' | '💀' => -2.2,
        '😠' | '😡' | '🤬' | '🤮' | '🤢' | '💩' | '😱' => -2.8,
        _ => return None,
    })
}

/// ASCII emoticons, longest first where one starts another.
const EMOTICONS: [(&str, f32); 24] = [
    (":-))", 2.2),
    (":))", 2.2),
    (":-)", 1.8),
    (":)", 1.8),
    (":-]", 1.8),
    (":]", 1.8),
    ("=)", 1.8),
    (";-)", 1.5),
    (";)", 1.5),
    ("^^", 1.5),
    ("^_^", 1.8),
    (">:(", -2.5),
    (":'(", -2.2),
    (":-((", -2.4),
    (":((", -2.4),
    (":-(", -2.0),
    (":(", -2.0),
    ("=(", -2.0),
    (":-/", -1.2),
    (":-|", -0.6),
    (":|", -0.6),
    (":-[", -1.8),
    (":[", -1.8),
    ("</3", -2.2),
];

/// The emoticon `text` starts with, as its valence and its length in bytes. `:/` counts only
/// when no other `/` follows, so a URL's `://` is not a frown.
pub(super) fn emoticon(text: &str) -> Option<(f32, usize)> {
    let first = text.as_bytes().first()?;
    if !matches!(first, b':' | b';' | b'=' | b'^' | b'>' | b'<') {
        return None;
    }
    if let Some(after) = text.strip_prefix(":/")
        && !after.starts_with('/')
    {
        return Some((-1.2, 2));
    }
    EMOTICONS
        .iter()
        .find(|(face, _)| text.starts_with(face))
        .map(|(face, valence)| (*valence, face.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_have_the_valence_they_show() {
        assert!(emoji('👍').unwrap() > 0.0);
        assert!(emoji('😡').unwrap() < 0.0);
        assert_eq!(emoji('a'), None);
        assert_eq!(emoticon(":-) thanks"), Some((1.8, 3)));
        assert!(emoticon(":(").unwrap().0 < 0.0);
        assert_eq!(emoticon("://example"), None);
    }
}
