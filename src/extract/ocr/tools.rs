//! Finding the OCR programs and checking that Tesseract has the languages asked for.

use super::{run, DEFAULT_DPI, DEFAULT_LANGS, DEFAULT_PAGE_TIMEOUT};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// What the install hint names.
const INSTALL_HINT: &str = "install tesseract-ocr, tesseract-ocr-chi-sim and tesseract-ocr-eng";

/// The OCR programs and settings of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrTools {
    pub tesseract: PathBuf,
    /// First line of `tesseract --version` (part of the cache key).
    pub tesseract_version: String,
    /// `None`: PDF pages cannot be rendered (images are still read).
    pub pdftoppm: Option<PathBuf>,
    /// Tesseract languages, `+`-joined (`chi_sim+eng`).
    pub langs: String,
    pub dpi: u32,
    pub page_timeout_secs: u64,
    /// Where results are kept by file content (`None`: not cached).
    pub cache_dir: Option<PathBuf>,
}

/// Whether OCR can run in this run, and why not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ocr {
    Ready(OcrTools),
    /// Wanted but the programs are missing: why, as users read it: `OCR not available (…)`.
    /// Scans are reported as failed with this reason and read once OCR is available.
    Unavailable(String),
    /// Not wanted (`--no-ocr`; the library's default): images are not read, scanned PDF pages
    /// are reported.
    #[default]
    Off,
    /// Wanted, not looked for yet: [`Ocr::resolve`] runs [`Ocr::discover`] (which starts
    /// tesseract twice, ~45 ms) only when a run has files to read.
    Wanted(OcrRequest),
}

/// What the user asked for (`--ocr-lang`, `--tesseract`, `--pdftoppm`, `--no-ocr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrRequest {
    pub enabled: bool,
    pub langs: String,
    pub tesseract: Option<PathBuf>,
    pub pdftoppm: Option<PathBuf>,
}

impl Default for OcrRequest {
    fn default() -> Self {
        OcrRequest {
            enabled: true,
            langs: DEFAULT_LANGS.into(),
            tesseract: None,
            pdftoppm: None,
        }
    }
}

/// Sent while a file is being read by OCR: `pages` more pages are about to be read (the
/// caller extends its deadline by that many page timeouts and counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrEvent {
    pub pages: u32,
}

impl OcrRequest {
    /// Check what can be checked without running anything (the language names).
    pub fn validate(&self) -> Result<(), String> {
        if self.enabled {
            check_langs(&self.langs)
        } else {
            Ok(())
        }
    }
}

impl Ocr {
    /// [`Ocr::discover`] for [`Ocr::Wanted`]; anything else as it is.
    pub fn resolve(self) -> Ocr {
        match self {
            Ocr::Wanted(req) => Ocr::discover(&req),
            other => other,
        }
    }

    /// Find the programs, check that Tesseract has every language asked for.
    pub fn discover(req: &OcrRequest) -> Ocr {
        if !req.enabled {
            return Ocr::Off;
        }
        if let Err(e) = check_langs(&req.langs) {
            return Ocr::Unavailable(format!("OCR not available ({e})"));
        }
        let tesseract = match &req.tesseract {
            Some(p) if run::is_executable(p) => p.clone(),
            Some(p) => {
                return Ocr::Unavailable(format!(
                    "OCR not available (tesseract not found at {}; {INSTALL_HINT}, or give --tesseract PATH)",
                    p.display()
                ))
            }
            None => match run::find_on_path("tesseract") {
                Some(p) => p,
                None => {
                    return Ocr::Unavailable(format!(
                        "OCR not available (tesseract not found; {INSTALL_HINT}, or give --tesseract PATH)"
                    ))
                }
            },
        };
        let quick = Duration::from_secs(20);
        let version = match run::run(Command::new(&tesseract).arg("--version"), quick) {
            Ok(out) => String::from_utf8_lossy(&out)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
            Err(e) => return Ocr::Unavailable(format!("OCR not available ({e})")),
        };
        let listed = match run::run(Command::new(&tesseract).arg("--list-langs"), quick) {
            Ok(out) => String::from_utf8_lossy(&out).into_owned(),
            Err(e) => return Ocr::Unavailable(format!("OCR not available ({e})")),
        };
        let have: Vec<&str> = listed.lines().map(str::trim).collect();
        if let Some(missing) = req.langs.split('+').find(|l| !have.contains(l)) {
            let package = format!("tesseract-ocr-{}", missing.replace('_', "-"));
            return Ocr::Unavailable(format!(
                "OCR not available (tesseract has no '{missing}' language data; install {package})"
            ));
        }
        let pdftoppm = match &req.pdftoppm {
            Some(p) => run::is_executable(p).then(|| p.clone()),
            None => run::find_on_path("pdftoppm"),
        };
        Ocr::Ready(OcrTools {
            tesseract,
            tesseract_version: version,
            pdftoppm,
            langs: req.langs.clone(),
            dpi: DEFAULT_DPI,
            page_timeout_secs: DEFAULT_PAGE_TIMEOUT.as_secs(),
            cache_dir: None,
        })
    }

    /// Keep results in `dir`.
    pub fn with_cache(mut self, dir: &Path) -> Ocr {
        if let Ocr::Ready(tools) = &mut self {
            tools.cache_dir = Some(dir.to_path_buf());
        }
        self
    }

    /// Can scanned PDF pages be read (Tesseract and pdftoppm present)?
    pub fn reads_pdfs(&self) -> bool {
        matches!(self, Ocr::Ready(t) if t.pdftoppm.is_some())
    }

    pub fn is_ready(&self) -> bool {
        matches!(self, Ocr::Ready(_))
    }

    /// Why scanned PDF pages cannot be read in this run (`None`: they can).
    pub fn pdf_unavailable(&self) -> Option<String> {
        match self {
            Ocr::Ready(t) if t.pdftoppm.is_some() => None,
            Ocr::Ready(_) => Some(NO_PDFTOPPM.into()),
            other => Some(other.describe()),
        }
    }

    /// How much longer a caller waits for a file when `event` announces pages to read.
    pub fn allowance(&self, event: OcrEvent) -> Duration {
        self.page_timeout() * event.pages.max(1) + Duration::from_secs(10)
    }

    /// Longest one page may take.
    pub fn page_timeout(&self) -> Duration {
        match self {
            Ocr::Ready(t) => Duration::from_secs(t.page_timeout_secs.max(1)),
            Ocr::Unavailable(_) | Ocr::Off | Ocr::Wanted(_) => DEFAULT_PAGE_TIMEOUT,
        }
    }

    /// One line for `provisio doctor` and logs.
    pub fn describe(&self) -> String {
        match self {
            Ocr::Ready(t) => {
                let pdf = match &t.pdftoppm {
                    Some(p) => format!("pdftoppm {}", p.display()),
                    None => NO_PDFTOPPM.into(),
                };
                format!(
                    "OCR ready: {} ({}), languages {}; {pdf}",
                    t.tesseract.display(),
                    t.tesseract_version,
                    t.langs
                )
            }
            Ocr::Unavailable(why) => why.clone(),
            Ocr::Off => OFF.into(),
            Ocr::Wanted(_) => "OCR not looked for yet".into(),
        }
    }
}

const OFF: &str = "OCR turned off";

const NO_PDFTOPPM: &str =
    "OCR not available for PDF pages (pdftoppm not found; install poppler-utils, or give --pdftoppm PATH)";

/// Language names are Tesseract data file names: `chi_sim`, `eng`, joined by `+`.
fn check_langs(langs: &str) -> Result<(), String> {
    let ok = !langs.is_empty()
        && langs.split('+').all(|l| {
            !l.is_empty()
                && l.len() <= 32
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "bad --ocr-lang {langs:?}: give Tesseract language names joined by '+', e.g. chi_sim+eng"
        ))
    }
}
