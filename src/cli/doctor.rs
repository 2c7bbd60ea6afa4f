//! `provisio doctor`: which optional tools this machine has, and what is missing for what.

use provisio::extract::ocr::Ocr;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub ocr: super::OcrArgs,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Findings {
    /// Scanned PDF pages can be read.
    ocr_pdf: bool,
    /// Images (PNG, JPEG, TIFF) can be read.
    ocr_images: bool,
    tesseract: Option<String>,
    tesseract_version: Option<String>,
    pdftoppm: Option<String>,
    languages: String,
    /// What is missing and how to get it (empty when everything is there).
    missing: Vec<String>,
}

pub fn run(a: DoctorArgs) -> anyhow::Result<ExitCode> {
    let ocr = a.ocr.discover();
    let mut missing = Vec::new();
    let findings = match &ocr {
        Ocr::Ready(t) => {
            missing.extend(ocr.pdf_unavailable());
            Findings {
                ocr_pdf: t.pdftoppm.is_some(),
                ocr_images: true,
                tesseract: Some(t.tesseract.display().to_string()),
                tesseract_version: Some(t.tesseract_version.clone()),
                pdftoppm: t.pdftoppm.as_ref().map(|p| p.display().to_string()),
                languages: t.langs.clone(),
                missing,
            }
        }
        Ocr::Unavailable(_) | Ocr::Off | Ocr::Wanted(_) => {
            missing.push(ocr.describe());
            Findings {
                ocr_pdf: false,
                ocr_images: false,
                tesseract: None,
                tesseract_version: None,
                pdftoppm: None,
                languages: a.ocr.ocr_lang.clone(),
                missing,
            }
        }
    };
    if a.json {
        out!("{}", serde_json::to_string_pretty(&findings)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mark = |ok: bool| if ok { "ok     " } else { "missing" };
    out!(
        "{} tesseract   {}",
        mark(findings.tesseract.is_some()),
        match (&findings.tesseract, &findings.tesseract_version) {
            (Some(p), Some(v)) => format!("{p} ({v}), languages {}", findings.languages),
            _ => "reads scans and images (OCR)".into(),
        }
    );
    out!(
        "{} pdftoppm    {}",
        mark(findings.pdftoppm.is_some()),
        findings
            .pdftoppm
            .clone()
            .unwrap_or_else(|| "renders scanned PDF pages for OCR".into())
    );
    out!(
        "OCR of scanned PDF pages: {}; of images: {}",
        if findings.ocr_pdf { "yes" } else { "no" },
        if findings.ocr_images { "yes" } else { "no" }
    );
    for m in &findings.missing {
        out!("  {m}");
    }
    Ok(ExitCode::SUCCESS)
}
