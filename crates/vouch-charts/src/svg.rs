//! A small markup writer that escapes every text and attribute value it is given.
//!
//! Charts never build markup with `format!` around text: element and attribute *names* are
//! `&'static str` chosen by the code, and every *value* goes through [`escape`], so a label
//! such as `<script>` or `" onload="…` comes out as inert text.

use std::fmt::{self, Display};

/// Escapes text for use in markup content or in a quoted attribute value (SVG or HTML).
///
/// `&`, `<`, `>`, `"` and `'` become entities; characters that XML forbids (C0 controls other
/// than tab, line feed and carriage return, and the non-characters U+FFFE / U+FFFF) become
/// U+FFFD, so that a chart stays well-formed even as a standalone `.svg` file.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text`, escaped as by [`escape`], to `out`.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push('\u{fffd}');
            }
            c => out.push(c),
        }
    }
}

/// Builds markup element by element. Names are static; values and text are escaped.
#[derive(Debug, Default)]
pub(super) struct Writer {
    out: String,
}

impl Writer {
    /// An empty writer.
    pub(super) fn new() -> Writer {
        Writer::default()
    }

    /// Starts an element: `<name`, then attributes, then [`Tag::end`] or [`Tag::empty`].
    pub(super) fn open(&mut self, name: &'static str) -> Tag<'_> {
        self.out.push('<');
        self.out.push_str(name);
        Tag { writer: self }
    }

    /// Closes an element opened with [`Tag::end`].
    pub(super) fn close(&mut self, name: &'static str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Escaped text content.
    pub(super) fn text(&mut self, text: &str) {
        push_escaped(&mut self.out, text);
    }

    /// A whole element holding only escaped text: `<name attrs…>text</name>`.
    pub(super) fn element(
        &mut self,
        name: &'static str,
        attributes: &[(&'static str, &dyn Display)],
        text: &str,
    ) {
        let mut tag = self.open(name);
        for (attribute, value) in attributes {
            tag = tag.attr(attribute, value);
        }
        tag.end();
        self.text(text);
        self.close(name);
    }

    /// A `<title>` element: the tooltip of its parent and its accessible name.
    pub(super) fn title(&mut self, text: &str) {
        self.element("title", &[], text);
    }

    /// The markup written so far.
    pub(super) fn finish(self) -> String {
        self.out
    }
}

/// An element whose start tag is still open for attributes.
#[must_use = "a start tag must be ended with end() or empty()"]
pub(super) struct Tag<'a> {
    writer: &'a mut Writer,
}

impl Tag<'_> {
    /// Adds `name="value"`, the value escaped.
    pub(super) fn attr(self, name: &'static str, value: impl Display) -> Self {
        let out = &mut self.writer.out;
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        // Most values are numbers and constants; escape them all the same.
        push_escaped(out, &value.to_string());
        out.push('"');
        self
    }

    /// Adds the attribute only when there is a value.
    pub(super) fn attr_opt(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }

    /// Ends the start tag: `>`; content and [`Writer::close`] follow.
    pub(super) fn end(self) {
        self.writer.out.push('>');
    }

    /// Ends the element at once: `/>`.
    pub(super) fn empty(self) {
        self.writer.out.push_str("/>");
    }
}

/// A coordinate or length in user units, printed with at most two decimals and no `-0`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Num(pub f64);

impl Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal(self.0))
    }
}

/// A length as a percentage of the chart's width, such as `12.5%`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pct(pub f64);

impl Display for Pct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal(self.0))?;
        f.write_str("%")
    }
}

/// `value` to two decimals, trailing zeros dropped: `12.5`, `3`, `0.33`; never `-0`;
/// a non-finite value prints as `0` (charts never place anything at infinity).
fn decimal(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let hundredths = (value * 100.0).round();
    if hundredths == 0.0 {
        return "0".to_owned();
    }
    let text = format!("{:.2}", hundredths / 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// The outer `<svg>` of a chart that fills its container's width: no `viewBox`, a height in
/// pixels, so that x positions are given in percent and text keeps its size on a phone.
pub(super) fn open_fluid_svg(writer: &mut Writer, class: &'static str, height: f64, label: &str) {
    writer
        .open("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("class", class)
        .attr("width", "100%")
        .attr("height", Num(height))
        .attr("role", "img")
        .attr("aria-label", label)
        .attr("font-family", super::FONT_FAMILY)
        .attr("font-size", 12)
        .attr("fill", super::INK)
        .end();
    writer.title(label);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("Café – 10/10 ✓"), "Café – 10/10 ✓");
    }

    #[test]
    fn escape_replaces_characters_xml_forbids() {
        assert_eq!(
            escape("a\u{0}b\u{1b}c\u{7f}"),
            "a\u{fffd}b\u{fffd}c\u{fffd}"
        );
        assert_eq!(escape("line\nbreak\ttab"), "line\nbreak\ttab");
    }

    #[test]
    fn attribute_values_are_escaped() {
        let mut writer = Writer::new();
        writer
            .open("rect")
            .attr("aria-label", "\" onload=\"alert(1)")
            .empty();
        assert_eq!(
            writer.finish(),
            "<rect aria-label=\"&quot; onload=&quot;alert(1)\"/>"
        );
    }

    #[test]
    fn numbers_print_short_and_never_as_minus_zero() {
        assert_eq!(Num(12.5).to_string(), "12.5");
        assert_eq!(Num(3.0).to_string(), "3");
        assert_eq!(Num(1.0 / 3.0).to_string(), "0.33");
        assert_eq!(Num(-0.001).to_string(), "0");
        assert_eq!(Num(-2.5).to_string(), "-2.5");
        assert_eq!(Num(f64::NAN).to_string(), "0");
        assert_eq!(Pct(100.0 / 11.0).to_string(), "9.09%");
    }
}
