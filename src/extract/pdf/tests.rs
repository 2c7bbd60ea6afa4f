//! Tests of the PDF extractor on small documents built in memory with lopdf.

use super::*;
use lopdf::{dictionary, Dictionary, Object, Stream};

/// A document with one Helvetica font `/F1` (plus `fonts`) and one page per content string.
fn pdf_with(fonts: Dictionary, pages: &[&[u8]], edit: impl FnOnce(&mut Document)) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let tree = doc.new_object_id();
    let helvetica = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut font_dict = dictionary! { "F1" => helvetica };
    font_dict.extend(&fonts);
    let resources = doc.add_object(dictionary! { "Font" => font_dict });
    let kids: Vec<Object> = pages
        .iter()
        .map(|content| {
            let content = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => tree, "Contents" => content,
            })
            .into()
        })
        .collect();
    doc.objects.insert(
        tree,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages.len() as i64,
            "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => tree });
    doc.trailer.set("Root", catalog);
    edit(&mut doc);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    bytes
}

fn simple(pages: &[&[u8]]) -> Vec<u8> {
    pdf_with(Dictionary::new(), pages, |_| {})
}

/// A Type0 font with a predefined CMap and a non-embedded descendant.
fn type0(doc_fonts: &mut Dictionary, name: &str, cmap: &str) {
    let descendant = dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("GB1"), "Supplement" => 2 },
        "FontDescriptor" => dictionary! { "Type" => "FontDescriptor", "Flags" => 4 },
    };
    doc_fonts.set(
        name,
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => cmap, "DescendantFonts" => vec![Object::Dictionary(descendant)],
        },
    );
}

#[test]
fn predefined_cjk_cmaps_yield_text() {
    let mut fonts = Dictionary::new();
    type0(&mut fonts, "G", "GBK-EUC-H");
    type0(&mut fonts, "J", "90ms-RKSJ-H");
    type0(&mut fonts, "U", "UniJIS-UCS2-H");
    let content = b"BT /G 12 Tf 72 700 Td (\xC4\xE3\xBA\xC3 A) Tj ET \
        BT /J 12 Tf 72 600 Td (\x82\xA0\x82\xA2) Tj ET \
        BT /U 12 Tf 72 500 Td <65E5672C> Tj ET";
    let doc = extract(&pdf_with(fonts, &[content], |_| {})).expect("text");
    let text = doc.pages[0].as_str();
    assert!(text.contains("你好"), "{text:?}");
    assert!(text.contains("あい"), "{text:?}");
    assert!(text.contains("日本"), "{text:?}");
}

#[test]
fn a_failing_page_keeps_page_numbers() {
    let bytes = simple(&[
        b"BT /F1 12 Tf 42 Tj ET",
        b"BT /F1 12 Tf 72 700 Td (second) Tj ET",
    ]);
    let doc = extract(&bytes).expect("page 2 has text");
    assert_eq!(doc.pages.len(), 2);
    assert_eq!(doc.pages[0], "");
    assert!(doc.pages[1].contains("second"));
    assert!(
        doc.warnings[0].starts_with("page 1 of 2 failed"),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn reasons_when_nothing_is_extracted() {
    assert!(matches!(
        extract(&simple(&[b"BT /F1 12 Tf 42 Tj ET"])),
        Err(ExtractError::Panic(_))
    ));
    assert_eq!(
        extract(&simple(&[b"0 0 10 10 re f"])).err(),
        Some(ExtractError::NoText)
    );
    assert_eq!(
        extract(b"").err(),
        Some(ExtractError::Malformed("empty file".into()))
    );
    let err = extract(b"hello").err();
    assert_eq!(err, Some(ExtractError::Malformed("no %PDF- header".into())));
}

#[test]
fn missing_resources_are_filled_in() {
    let bytes = simple(&[b"/GS9 gs /CS9 cs BT /F9 12 Tf 72 700 Td (hello) Tj ET /Im9 Do"]);
    let doc = extract(&bytes).expect("repaired");
    assert!(doc.pages[0].contains("hello"), "{:?}", doc.pages);
}

#[test]
fn text_before_a_content_syntax_error_is_kept() {
    let bytes = simple(&[b"BT /F1 12 Tf 72 700 Td (kept) Tj ET\nBT /F1 12 Tf (lost) Tj ET <<< ]]"]);
    let doc = extract(&bytes).expect("salvaged");
    assert!(doc.pages[0].contains("kept"), "{:?}", doc.pages);
}

#[test]
fn a_form_drawing_itself_does_not_overflow_the_stack() {
    let bytes = pdf_with(
        Dictionary::new(),
        &[b"/Fm0 Do BT /F1 12 Tf 72 700 Td (outer) Tj ET"],
        |doc| {
            let form = doc.new_object_id();
            let resources = dictionary! { "XObject" => dictionary! { "Fm0" => form } };
            let dict =
                dictionary! { "Type" => "XObject", "Subtype" => "Form", "Resources" => resources };
            doc.objects
                .insert(form, Stream::new(dict, b"/Fm0 Do".to_vec()).into());
            let tree = doc
                .catalog()
                .and_then(|c| c.get(b"Pages"))
                .and_then(Object::as_reference);
            let res = tree
                .and_then(|t| doc.get_dictionary(t))
                .and_then(|t| t.get(b"Resources"));
            let res = res.and_then(Object::as_reference).expect("resources");
            let res = doc
                .get_object_mut(res)
                .and_then(Object::as_dict_mut)
                .expect("dict");
            res.set("XObject", dictionary! { "Fm0" => form });
        },
    );
    let doc = extract(&bytes).expect("text");
    assert!(doc.pages[0].contains("outer"));
}

#[test]
fn quote_operators_and_fake_bold() {
    let content = b"BT /F1 12 Tf 14 TL 72 700 Td (one) Tj (two) ' 1 2 (three) \" ET \
        BT /F1 12 Tf 72 600 Td (Bold) Tj ET BT /F1 12 Tf 72.2 600.2 Td (Bold) Tj ET";
    let doc = extract(&simple(&[content])).expect("text");
    let lines: Vec<&str> = doc.pages[0].lines().map(str::trim).collect();
    assert_eq!(lines, ["one", "two", "three", "Bold"], "{:?}", doc.pages[0]);
}

#[test]
fn a_broken_xref_is_rebuilt() {
    let mut bytes = simple(&[b"BT /F1 12 Tf 72 700 Td (rebuilt) Tj ET"]);
    let at = load::rfind(&bytes, b"startxref").expect("startxref");
    bytes.truncate(at);
    bytes.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    let doc = extract(&bytes).expect("rebuilt");
    assert!(doc.pages[0].contains("rebuilt"));
}

#[test]
fn metadata_title_and_date() {
    let bytes = pdf_with(Dictionary::new(), &[b"BT /F1 12 Tf (x) Tj ET"], |doc| {
        let title = Object::String(
            b"\xFE\xFF\x4E\x2D\x65\x87".to_vec(),
            lopdf::StringFormat::Hexadecimal,
        );
        let date = Object::string_literal("D:20230512093000+08'00'");
        let info = doc.add_object(dictionary! { "Title" => title, "CreationDate" => date });
        doc.trailer.set("Info", info);
    });
    let doc = extract(&bytes).expect("text");
    assert_eq!(doc.title.as_deref(), Some("中文"));
    assert_eq!(doc.date.as_deref(), Some("2023-05-12"));
}

#[test]
fn metadata_helpers() {
    assert_eq!(iso_date("D:2023").as_deref(), Some("2023-01-01"));
    assert_eq!(iso_date("20240229").as_deref(), Some("2024-02-29"));
    assert_eq!(iso_date("D:20230229"), None);
    assert_eq!(iso_date("yesterday"), None);
    let title = clean_title("Microsoft Word - 关于印发通知.doc");
    assert_eq!(title.as_deref(), Some("关于印发通知"));
    assert_eq!(clean_title("  Untitled "), None);
    assert_eq!(decode_text_string(b"\xB9\xD8\xD3\xDA"), "关于");
    assert_eq!(decode_text_string(b"\x93le caf\xE9"), "ﬁle café");
}

#[test]
fn to_unicode_cmaps_with_wrong_counts_and_deep_nesting_still_give_text() {
    // An Identity-H font whose ToUnicode opens 100,000 arrays (a stack overflow for a
    // recursive parser) and understates its entry count; both entries must still be read.
    let mut cmap = vec![b'['; 100_000];
    cmap.extend_from_slice(b"\n1 beginbfchar\n<0001> <51FA>\n<0002> <53E3>\nendbfchar\n");
    let bytes = pdf_with(
        Dictionary::new(),
        &[b"BT /C 12 Tf 72 700 Td <00010002> Tj ET"],
        |doc| {
            let to_unicode = doc.add_object(Stream::new(Dictionary::new(), cmap));
            let descendant = dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Subset",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
                    "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "FontDescriptor" => dictionary! { "Type" => "FontDescriptor", "Flags" => 4 },
                "DW" => 1000,
            };
            let font = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Subset",
                "Encoding" => "Identity-H", "ToUnicode" => to_unicode,
                "DescendantFonts" => vec![Object::Dictionary(descendant)],
            });
            let resources = doc
                .objects
                .values_mut()
                .filter_map(|o| o.as_dict_mut().ok())
                .find(|d| d.has(b"Font"))
                .expect("resources");
            let fonts = resources.get_mut(b"Font").and_then(Object::as_dict_mut);
            fonts.expect("font dictionary").set("C", font);
        },
    );
    let doc = extract(&bytes).expect("text");
    assert!(doc.pages[0].contains("出口"), "{:?}", doc.pages);
}
