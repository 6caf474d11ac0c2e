//! A small page builder: positioned text, wrapped CJK paragraphs, rules and boxes.
//!
//! Coordinates are in points (1/72 inch) measured from the **top-left** corner of the page,
//! y growing downwards; a text's y is its baseline. [`mm`] converts millimetres.

use crate::{Font, PdfError};

/// A4 width in points.
pub const A4_WIDTH: f32 = 595.28;
/// A4 height in points.
pub const A4_HEIGHT: f32 = 841.89;

/// Millimetres to points.
pub const fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

/// How a line or a box outline is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// Line width in points.
    pub width: f32,
    /// 0 = black, 1 = white.
    pub gray: f32,
    /// Dash and gap lengths in points; `None` for a solid line.
    pub dash: Option<(f32, f32)>,
}

impl Stroke {
    /// A solid black line of `width` points.
    pub const fn solid(width: f32) -> Stroke {
        Stroke {
            width,
            gray: 0.0,
            dash: None,
        }
    }

    /// A dashed line of `width` points in `gray`.
    pub const fn dashed(width: f32, gray: f32, dash: f32, gap: f32) -> Stroke {
        Stroke {
            width,
            gray,
            dash: Some((dash, gap)),
        }
    }
}

/// A paragraph's frame: where lines start, how wide they may be, size and line pitch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBlock {
    /// Left edge in points.
    pub x: f32,
    /// Line width in points.
    pub width: f32,
    /// Font size in points.
    pub size: f32,
    /// Baseline-to-baseline distance in points.
    pub leading: f32,
    /// First-line indent in points (Chinese paragraphs indent two characters: `2.0 * size`).
    pub indent: f32,
    /// Stretch every line but a paragraph's last to the full width (by spacing between
    /// characters, never inside a Latin word or number, at most [`MAX_SPACING`] of the size
    /// per gap; looser lines stay ragged).
    pub justify: bool,
}

/// The widest character spacing, as a fraction of the font size, that justification adds.
pub const MAX_SPACING: f32 = 0.25;

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        gray: f32,
        spacing: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        stroke: Stroke,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        stroke: Stroke,
    },
}

/// A page being laid out; [`crate::Document`] renders pages into a PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    width: f32,
    height: f32,
    gray: f32,
    pub(crate) items: Vec<Item>,
}

impl Page {
    /// An empty page of `width` × `height` points.
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            gray: 0.0,
            items: Vec::new(),
        }
    }

    /// An empty A4 portrait page.
    pub fn a4() -> Page {
        Page::new(A4_WIDTH, A4_HEIGHT)
    }

    /// Page width in points.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// Page height in points.
    pub fn height(&self) -> f32 {
        self.height
    }

    /// Sets the gray (0 = black, 1 = white) of the text added after this call.
    pub fn set_text_gray(&mut self, gray: f32) -> &mut Self {
        self.gray = gray.clamp(0.0, 1.0);
        self
    }

    /// One line of text with its baseline's left end at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) -> &mut Self {
        self.stretched_text(x, y, size, 0.0, text)
    }

    /// One line of text with `spacing` points added between characters, except inside runs
    /// of Latin letters and digits (see [`stretch_gaps`]).
    pub fn stretched_text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        spacing: f32,
        text: &str,
    ) -> &mut Self {
        if !text.is_empty() {
            let gray = self.gray;
            self.items.push(Item::Text {
                x,
                y,
                size,
                gray,
                spacing,
                text: text.to_owned(),
            });
        }
        self
    }

    /// One line of text centred on `cx`.
    pub fn text_centered(
        &mut self,
        font: &Font,
        cx: f32,
        y: f32,
        size: f32,
        text: &str,
    ) -> Result<&mut Self, PdfError> {
        let w = font.text_width(text, size)?;
        Ok(self.text(cx - w / 2.0, y, size, text))
    }

    /// One line of text whose right end is at `right`.
    pub fn text_right(
        &mut self,
        font: &Font,
        right: f32,
        y: f32,
        size: f32,
        text: &str,
    ) -> Result<&mut Self, PdfError> {
        let w = font.text_width(text, size)?;
        Ok(self.text(right - w, y, size, text))
    }

    /// A wrapped paragraph whose first baseline is at `y`; `\n` starts a new line.
    /// Returns the baseline the next line would take (`y` + lines × leading).
    pub fn paragraph(
        &mut self,
        font: &Font,
        block: &TextBlock,
        y: f32,
        text: &str,
    ) -> Result<f32, PdfError> {
        let valid = |v: f32| v.is_finite() && v >= 0.0;
        let ok = valid(block.size)
            && valid(block.leading)
            && valid(block.indent)
            && block.width.is_finite()
            && block.width > block.indent;
        if !ok {
            return Err(PdfError::Layout(format!("text block {block:?}")));
        }
        let mut y = y;
        for (i, part) in text.split('\n').enumerate() {
            let indent = if i == 0 { block.indent } else { 0.0 };
            let lines = wrap(font, part, block.size, block.width - indent, block.width)?;
            for (j, line) in lines.iter().enumerate() {
                let (x, width) = match j {
                    0 => (block.x + indent, block.width - indent),
                    _ => (block.x, block.width),
                };
                let mut spacing = 0.0;
                if block.justify && j + 1 < lines.len() {
                    let gaps = stretch_gaps(line) as f32;
                    let extra = (width - font.text_width(line, block.size)?) / gaps.max(1.0);
                    if extra > 0.0 && extra <= MAX_SPACING * block.size {
                        spacing = extra;
                    }
                }
                self.stretched_text(x, y, block.size, spacing, line);
                y += block.leading;
            }
        }
        Ok(y)
    }

    /// A straight line from (`x1`, `y1`) to (`x2`, `y2`).
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, stroke: Stroke) -> &mut Self {
        self.items.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            stroke,
        });
        self
    }

    /// A horizontal rule at `y` from `x1` to `x2`.
    pub fn hrule(&mut self, x1: f32, x2: f32, y: f32, stroke: Stroke) -> &mut Self {
        self.line(x1, y, x2, y, stroke)
    }

    /// The outline of a box whose top-left corner is at (`x`, `y`).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, stroke: Stroke) -> &mut Self {
        self.items.push(Item::Rect { x, y, w, h, stroke });
        self
    }
}

/// Wraps `text` into lines no wider than `first` points (first line) and `rest` points (the
/// others) at `size` points. CJK text breaks between any two characters; runs of Latin
/// letters and digits (a credit code, a masked number) stay whole unless longer than a line;
/// closing punctuation does not start a line (it hangs past the end when there is no other
/// place to break) and opening brackets do not end one.
pub fn wrap(
    font: &Font,
    text: &str,
    size: f32,
    first: f32,
    rest: f32,
) -> Result<Vec<String>, PdfError> {
    let m = font.measurer()?;
    wrap_by(text, first, rest, |c| Ok(m.advance(c)? * size))
}

/// [`wrap`] over any measure of a character's advance.
pub fn wrap_by<E>(
    text: &str,
    first: f32,
    rest: f32,
    mut advance: impl FnMut(char) -> Result<f32, E>,
) -> Result<Vec<String>, E> {
    let units = units(text, first.min(rest), &mut advance)?;
    let mut lines = Vec::new();
    let mut start = 0;
    loop {
        // Spaces do not begin a line.
        while units.get(start).is_some_and(|u| u.space) {
            start += 1;
        }
        if start >= units.len() {
            return Ok(lines);
        }
        let width = if lines.is_empty() { first } else { rest };
        let mut end = start + 1;
        let mut used = units[start].width;
        while end < units.len() && used + units[end].width <= width {
            used += units[end].width;
            end += 1;
        }
        if end < units.len() {
            // Move the break back while the next line would start with closing punctuation
            // or this one end with an opening bracket. Without a better place, closing
            // punctuation hangs past the line's end rather than start the next one.
            let bad = |i: usize| units[i].no_start || units[i - 1].no_end;
            let mut brk = end;
            while brk > start + 1 && bad(brk) {
                brk -= 1;
            }
            if !bad(brk) {
                end = brk;
            } else if units[end].no_start {
                end += 1;
            }
        }
        lines.push(join(&units[start..end]));
        start = end;
    }
}

/// A piece of text that is not broken inside: one CJK character or punctuation mark, one run
/// of Latin letters and digits, or one space.
#[derive(Debug, Clone)]
struct Unit {
    text: String,
    width: f32,
    space: bool,
    no_start: bool,
    no_end: bool,
}

/// How many places of `line` take extra space when it is stretched: every boundary between
/// two characters except those inside a run of Latin letters and digits.
pub fn stretch_gaps(line: &str) -> usize {
    let chars: Vec<char> = line.chars().collect();
    chars.windows(2).filter(|w| stretchable(w[0], w[1])).count()
}

/// Whether the boundary between `a` and `b` takes extra space when a line is stretched.
pub(crate) fn stretchable(a: char, b: char) -> bool {
    !(is_word(a) && is_word(b))
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "*-._@/+#&'%".contains(c)
}

fn is_no_start(c: char) -> bool {
    "，。、；：？！）》」』】〕”’…—·%,.;:?!)]}".contains(c)
}

fn is_no_end(c: char) -> bool {
    "（《「『【〔“‘([{".contains(c)
}

fn units<E>(
    text: &str,
    max: f32,
    advance: &mut impl FnMut(char) -> Result<f32, E>,
) -> Result<Vec<Unit>, E> {
    let mut out: Vec<Unit> = Vec::new();
    let mut in_word = false;
    for c in text.chars() {
        let w = advance(c)?;
        let word = is_word(c);
        match out.last_mut() {
            // A run longer than a line is cut where it overflows.
            Some(last) if word && in_word && last.width + w <= max => {
                last.text.push(c);
                last.width += w;
                last.no_start = false;
            }
            _ => out.push(Unit {
                text: c.to_string(),
                width: w,
                space: c.is_whitespace(),
                no_start: is_no_start(c),
                no_end: is_no_end(c),
            }),
        }
        in_word = word;
    }
    Ok(out)
}

fn join(units: &[Unit]) -> String {
    let mut s: String = units.iter().map(|u| u.text.as_str()).collect();
    s.truncate(s.trim_end().len());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK characters 10 wide, ASCII 5; U+FFFF has no glyph.
    fn measure(c: char) -> Result<f32, char> {
        match c {
            '\u{FFFF}' => Err(c),
            c if c.is_ascii() => Ok(5.0),
            _ => Ok(10.0),
        }
    }

    fn lines(text: &str, first: f32, rest: f32) -> Vec<String> {
        wrap_by(text, first, rest, measure).expect("measurable")
    }

    #[test]
    fn cjk_breaks_between_any_characters() {
        assert_eq!(
            lines("一二三四五六七八九十", 30.0, 30.0),
            ["一二三", "四五六", "七八九", "十"]
        );
        assert_eq!(lines("一二三四五", 20.0, 30.0), ["一二", "三四五"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        assert_eq!(lines("一二三，四", 30.0, 30.0), ["一二", "三，四"]);
        assert_eq!(lines("一二三。", 30.0, 30.0), ["一二", "三。"]);
        assert_eq!(lines("一二三）。四", 30.0, 30.0), ["一二", "三）。", "四"]);
        // Nowhere better to break: the mark hangs.
        assert_eq!(lines("一，二", 10.0, 10.0), ["一，", "二"]);
    }

    #[test]
    fn opening_brackets_never_end_a_line() {
        assert_eq!(lines("一二（三四", 30.0, 30.0), ["一二", "（三四"]);
    }

    #[test]
    fn latin_runs_stay_whole_unless_longer_than_a_line() {
        assert_eq!(lines("一二ABCD", 30.0, 30.0), ["一二", "ABCD"]);
        assert_eq!(
            lines("代码91350102MA", 40.0, 40.0),
            ["代码", "91350102", "MA"]
        );
        assert_eq!(lines("ABCDEFGHIJ", 30.0, 30.0), ["ABCDEF", "GHIJ"]);
        assert_eq!(
            lines("138****5678）作", 60.0, 60.0),
            ["138****5678）", "作"]
        );
    }

    #[test]
    fn spaces_are_dropped_at_line_edges() {
        assert_eq!(lines("一二 三四", 20.0, 20.0), ["一二", "三四"]);
        assert_eq!(lines("一 二", 15.0, 15.0), ["一", "二"]);
        assert_eq!(lines("  一", 30.0, 30.0), ["一"]);
        assert!(lines("", 30.0, 30.0).is_empty());
        assert!(lines("   ", 30.0, 30.0).is_empty());
    }

    #[test]
    fn too_narrow_widths_still_terminate() {
        assert_eq!(lines("一二", 5.0, 5.0), ["一", "二"]);
        assert_eq!(lines("，，，", 10.0, 10.0), ["，，", "，"]);
        assert_eq!(lines("一二", 0.0, 0.0), ["一", "二"]);
        assert_eq!(lines("一二", f32::NAN, f32::NAN), ["一", "二"]);
    }

    #[test]
    fn a_missing_character_is_reported() {
        assert_eq!(
            wrap_by("一\u{FFFF}二", 30.0, 30.0, measure),
            Err('\u{FFFF}')
        );
    }

    #[test]
    fn stretch_gaps_skip_latin_runs() {
        assert_eq!(stretch_gaps(""), 0);
        assert_eq!(stretch_gaps("一"), 0);
        assert_eq!(stretch_gaps("ab一二"), 2);
        assert_eq!(stretch_gaps("代码 9135"), 3);
    }

    #[test]
    fn millimetres_convert_to_points() {
        assert!((mm(25.4) - 72.0).abs() < 1e-4);
        assert!((mm(210.0) - A4_WIDTH).abs() < 0.01);
        assert!((mm(297.0) - A4_HEIGHT).abs() < 0.01);
    }
}
