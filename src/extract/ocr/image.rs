//! What image headers tell: kind, size, pages.

pub(super) fn image_extension(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        "jpg"
    } else {
        "tif"
    }
}

/// Width and height of a PNG or JPEG, from its header.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |o: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes(
            bytes.get(o..o + 2)?.try_into().ok()?,
        )))
    };
    let be32 = |o: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(o..o + 4)?.try_into().ok()?))
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return Some((be32(16)?, be32(20)?));
    }
    if !bytes.starts_with(b"\xFF\xD8") {
        return None;
    }
    // JPEG: walk the marker segments to the frame header (SOF0–SOF15 but DHT, JPG, DAC).
    let mut at = 2;
    for _ in 0..1000 {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let len = be16(at + 2)? as usize;
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            return Some((be16(at + 7)?, be16(at + 5)?));
        }
        at += 2 + len;
    }
    None
}

/// Pages of a TIFF (its chain of image directories); 1 for other images.
pub fn image_pages(bytes: &[u8]) -> u32 {
    let little = match bytes.get(..4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        _ => return 1,
    };
    let u16_at = |o: usize| -> Option<usize> {
        let b: [u8; 2] = bytes.get(o..o + 2)?.try_into().ok()?;
        Some(usize::from(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }))
    };
    let u32_at = |o: usize| -> Option<usize> {
        let b: [u8; 4] = bytes.get(o..o + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        } as usize)
    };
    let mut pages = 0u32;
    let mut offset = u32_at(4).unwrap_or(0);
    let mut seen = std::collections::HashSet::new();
    while offset != 0 && pages < 10_000 && seen.insert(offset) {
        let Some(count) = u16_at(offset) else {
            break;
        };
        pages += 1;
        offset = u32_at(offset + 2 + count * 12).unwrap_or(0);
    }
    pages.max(1)
}
