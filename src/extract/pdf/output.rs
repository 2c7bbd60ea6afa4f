//! Lays out the characters pdf-extract reports as plain text: spaces and line breaks from glyph geometry measured along the text's own direction, overprinted duplicates dropped.
//!
//! pdf-extract's `PlainTextOutput` compares raw device y coordinates, so rotated text never
//! gets a line break (its font-size estimate even becomes NaN), and "fake bold" text drawn
//! two to four times at tiny offsets comes out repeated. This output device fixes both.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

/// How many recent glyphs are checked for overprinting.
const RECENT: usize = 64;

/// Geometry of the last glyph written, in its own text direction.
struct Glyph {
    dir: (f64, f64),
    start: f64,
    end: f64,
    across: f64,
    size: f64,
}

/// A recently drawn glyph: character, device position, and the string (`word`) it came in.
struct Drawn {
    c: char,
    x: f64,
    y: f64,
    word: u64,
}

/// How many of the recent glyphs fall in each of 256 buckets of their character: a glyph whose
/// bucket is empty repeats none of them, and most do not (the scan was ~6% of PDF indexing).
struct Buckets([u8; 256]);

impl Default for Buckets {
    fn default() -> Self {
        Buckets([0; 256])
    }
}

impl Buckets {
    fn slot(&mut self, c: char) -> &mut u8 {
        &mut self.0[(c as u32 & 0xFF) as usize]
    }
}

#[derive(Default)]
pub(super) struct TextOutput {
    out: String,
    last: Option<Glyph>,
    recent: VecDeque<Drawn>,
    buckets: Buckets,
    /// Counts shown strings; a glyph never duplicates one from its own string.
    word: u64,
    word_start: bool,
}

impl TextOutput {
    pub(super) fn into_text(self) -> String {
        self.out
    }

    fn newline(&mut self) {
        let kept = self.out.trim_end_matches(' ').len();
        self.out.truncate(kept);
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn space(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with(char::is_whitespace) {
            self.out.push(' ');
        }
    }

    /// Whether `c` at (x, y) repeats a glyph drawn by another string at nearly the same spot.
    fn is_overprint(&mut self, c: char, x: f64, y: f64, size: f64) -> bool {
        let tolerance = 0.1 * size; // fake bold offsets are ~0.01 em; narrow glyphs advance ≥ 0.2 em
        let word = self.word;
        let hit = *self.buckets.slot(c) > 0
            && self.recent.iter().any(|d| {
                d.c == c
                    && d.word != word
                    && (d.x - x).abs() < tolerance
                    && (d.y - y).abs() < tolerance
            });
        if !hit {
            if self.recent.len() == RECENT {
                if let Some(old) = self.recent.pop_front() {
                    *self.buckets.slot(old.c) -= 1;
                }
            }
            *self.buckets.slot(c) += 1;
            self.recent.push_back(Drawn { c, x, y, word });
        }
        hit
    }
}

impl OutputDev for TextOutput {
    fn begin_page(
        &mut self,
        _: u32,
        _: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // trm maps text space (font size not applied) to device space: its first row is the
        // writing direction scaled, its second the glyph's vertical axis.
        let (sx, sy) = (trm.m11.hypot(trm.m12), trm.m21.hypot(trm.m22));
        let dir = if sx > 1e-9 {
            (trm.m11 / sx, trm.m12 / sx)
        } else {
            (1.0, 0.0)
        };
        let (x, y) = (trm.m31, trm.m32);
        let size = (font_size * sy).abs();
        let size = if size.is_finite() && size > 1e-6 {
            size
        } else {
            1.0
        };
        let start = x * dir.0 + y * dir.1;
        let across = y * dir.0 - x * dir.1;
        let advance = (width * font_size * sx).abs();
        if !(start.is_finite() && across.is_finite()) {
            self.out.push_str(text);
            return Ok(());
        }
        if text.is_empty() {
            return Ok(()); // an unmapped glyph: no text, and no position to compare with
        }
        let glyph = Glyph {
            dir,
            start,
            end: start + advance,
            across,
            size,
        };
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if !c.is_whitespace() && self.is_overprint(c, x, y, size) {
                self.last = Some(glyph);
                return Ok(());
            }
        }
        if let Some(last) = &self.last {
            let same_dir = dir.0 * last.dir.0 + dir.1 * last.dir.1 > 0.99;
            let line_gap = (across - last.across).abs();
            if !same_dir || line_gap > 0.5 * size.max(last.size) {
                self.newline();
            } else if self.word_start
                && (start > last.end + 0.1 * size.min(last.size) || start < last.start - size)
            {
                self.space();
            }
        }
        if text.chars().all(char::is_whitespace) {
            self.space();
        } else {
            self.out.push_str(text);
        }
        self.word_start = false;
        self.last = Some(glyph);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word += 1;
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Collects a whole-document pass page by page (keyed by lopdf page number); refuses to start
/// a page after the deadline.
pub(super) struct PagedOutput {
    done: HashMap<u32, String>,
    page: Option<(u32, TextOutput)>,
    deadline: Instant,
}

impl PagedOutput {
    pub(super) fn new(deadline: Instant) -> Self {
        PagedOutput {
            done: HashMap::new(),
            page: None,
            deadline,
        }
    }

    /// The pages finished, and the page interrupted by a panic or error with its text so far.
    pub(super) fn into_pages(self) -> (HashMap<u32, String>, Option<(u32, String)>) {
        let interrupted = self.page.map(|(number, text)| (number, text.into_text()));
        (self.done, interrupted)
    }

    fn current(&mut self) -> Option<&mut TextOutput> {
        self.page.as_mut().map(|(_, text)| text)
    }
}

impl OutputDev for PagedOutput {
    fn begin_page(
        &mut self,
        number: u32,
        _: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        if Instant::now() > self.deadline {
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        self.page = Some((number, TextOutput::default()));
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        if let Some((number, text)) = self.page.take() {
            self.done.insert(number, text.into_text());
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        match self.current() {
            Some(page) => page.output_character(trm, width, spacing, font_size, text),
            None => Ok(()),
        }
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.current().map_or(Ok(()), TextOutput::begin_word)
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
