use super::*;
use crate::extract::pdf::scan;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ocr")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn chinese_spaces_go_latin_spaces_stay() {
    assert_eq!(
        clean_ocr_text("关 于 支 持 二 手 车 出 口\n2024 年 3 月 15 日"),
        "关于支持二手车出口\n2024年3月15日"
    );
    assert_eq!(
        clean_ocr_text("Article 5. Free  warehousing 免 费 仓 储 for vehicles"),
        "Article 5. Free warehousing 免费仓储 for vehicles"
    );
    assert_eq!(
        clean_ocr_text("示商函 〔2024〕 9 号\u{0C}\n\n"),
        "示商函〔2024〕9号"
    );
    assert_eq!(
        clean_ocr_text("  leading and trailing  "),
        "leading and trailing"
    );
}

#[test]
fn junk_text_layers_are_told_from_real_ones() {
    assert_eq!(text_quality("  \n "), (0, false));
    assert_eq!(text_quality("关于支持二手车出口"), (9, false));
    assert!(text_quality("\u{FFFD}\u{FFFD}\u{E012}\u{E013}ab").1);
    assert!(text_quality("¢£¤¥¦§¨©ª«").1);
    assert!(!text_quality("Price: 12 € · §3").1);
}

#[test]
fn which_pages_need_ocr() {
    let scan_page = PageScan {
        image_coverage: 0.95,
        ..PageScan::default()
    };
    let blank = PageScan::default();
    let outlines = PageScan {
        path_ops: 4000,
        ..PageScan::default()
    };
    let text = "第一条 为规范二手车出口工作，制定本办法。".repeat(12);
    assert!(page_needs_ocr("", &scan_page), "a scan");
    assert!(
        page_needs_ocr("第1页", &scan_page),
        "a scan with a typed page number"
    );
    assert!(!page_needs_ocr("", &blank), "a blank page");
    assert!(page_needs_ocr("", &outlines), "text drawn as outlines");
    let unmapped = PageScan {
        text_ops: 40,
        ..PageScan::default()
    };
    assert!(
        page_needs_ocr("", &unmapped),
        "glyphs without a Unicode map"
    );
    assert!(
        !page_needs_ocr("二〇二三年五月十二日", &unmapped),
        "a short page whose font map works"
    );
    assert!(
        !page_needs_ocr(&text, &scan_page),
        "text over a background image"
    );
    assert!(
        page_needs_ocr("\u{FFFD}\u{FFFD}\u{FFFD}", &blank),
        "a broken font map"
    );
}

#[test]
fn image_sizes_come_from_headers() {
    assert_eq!(image_size(&fixture("notice-photo.png")), Some((1240, 675)));
    // A JPEG: SOI, an APP0 segment, then a baseline frame header of 300 x 20.
    let mut jpeg = b"\xFF\xD8\xFF\xE0\x00\x04ab".to_vec();
    jpeg.extend_from_slice(b"\xFF\xC0\x00\x11\x08\x00\x14\x01\x2C\x03");
    assert_eq!(image_size(&jpeg), Some((300, 20)));
    assert_eq!(image_size(b"\xFF\xD8\xFF\xE0\xFF\xFF"), None);
    assert_eq!(image_size(b"GIF89a"), None);
}

#[test]
fn tiff_pages_are_counted() {
    assert_eq!(image_pages(&fixture("notice-pages.tif")), 2);
    assert_eq!(image_pages(&fixture("notice-photo.png")), 1);
    // A directory chain that loops on itself ends.
    let mut looped = b"II*\0\x08\0\0\0".to_vec();
    looped.extend_from_slice(&[0, 0, 8, 0, 0, 0]);
    assert_eq!(image_pages(&looped), 1);
    assert_eq!(image_pages(b"II*\0\xFF\xFF\xFF\x7F"), 1);
}

#[test]
fn image_only_pdf_pages_are_covered_by_images() {
    let scans = scan::scan(&fixture("scan-notice.pdf")).expect("loads");
    assert_eq!(scans.len(), 2);
    for s in &scans {
        assert!(s.image_coverage > 0.9, "{s:?}");
        assert!((s.width - 595.0).abs() < 2.0, "{s:?}");
    }
    let text_pdf =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/zh/sichuan-2023-12.pdf"))
            .expect("sample corpus PDF");
    let scans = scan::scan(&text_pdf).expect("loads");
    assert!(!scans.is_empty());
    assert!(
        scans
            .iter()
            .all(|s| s.image_coverage < 0.05 && s.text_ops > 0),
        "{scans:?}"
    );
}

#[test]
fn missing_tools_and_bad_languages_are_explained() {
    let req = OcrRequest {
        tesseract: Some(PathBuf::from("/nonexistent/tesseract")),
        ..OcrRequest::default()
    };
    match Ocr::discover(&req) {
        Ocr::Unavailable(why) => {
            assert!(
                why.starts_with("OCR not available (tesseract not found at /nonexistent/tesseract"),
                "{why}"
            );
            assert!(why.contains("install tesseract-ocr"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    let bad = OcrRequest {
        langs: "chi_sim;rm -rf".into(),
        ..OcrRequest::default()
    };
    assert!(matches!(Ocr::discover(&bad), Ocr::Unavailable(w) if w.contains("bad --ocr-lang")));
    let off = OcrRequest {
        enabled: false,
        ..OcrRequest::default()
    };
    assert_eq!(Ocr::discover(&off), Ocr::Off);
}

#[test]
fn scans_without_ocr_are_reported_as_needing_it() {
    let why = "OCR not available (tesseract not found)".to_string();
    let ocr = Ocr::Unavailable(why.clone());
    let pdf = fixture("scan-notice.pdf");
    let first = crate::extract::extract(Format::Pdf, &pdf);
    assert_eq!(first.as_ref().unwrap_err(), &ExtractError::NoText);
    let err = complete(Format::Pdf, &pdf, first, &ocr, &mut |_| {}).unwrap_err();
    assert_eq!(err, ExtractError::NeedsOcr(why.clone()));
    assert_eq!(
        err.to_string(),
        "no text layer; OCR not available (tesseract not found)"
    );
    let png = fixture("notice-photo.png");
    let err = complete(
        Format::Image,
        &png,
        Err(ExtractError::NoText),
        &ocr,
        &mut |_| {},
    );
    assert_eq!(err.unwrap_err(), ExtractError::NeedsOcr(why));
    // Turned off: an image is simply not a document provisio reads; a scan is reported.
    let err = complete(
        Format::Image,
        &png,
        Err(ExtractError::NoText),
        &Ocr::Off,
        &mut |_| {},
    );
    assert_eq!(err.unwrap_err(), ExtractError::Unsupported);
    let first = crate::extract::extract(Format::Pdf, &pdf);
    let err = complete(Format::Pdf, &pdf, first, &Ocr::Off, &mut |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "no text layer; OCR turned off");
}
