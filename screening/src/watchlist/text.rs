//! Text decoding for list files: UTF-8 when the bytes are UTF-8, otherwise Windows-1252 (a
//! superset of Latin-1, the encoding of OFAC's legacy files).

use std::borrow::Cow;

/// Decodes a list file to text. A UTF-8 byte-order mark is dropped, and so is a trailing DOS
/// end-of-file mark (0x1A), which OFAC's files carry.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let end = bytes
        .iter()
        .rposition(|&b| b != 0x1A && b != 0)
        .map_or(0, |i| i + 1);
    let bytes = &bytes[..end];
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_and_utf8_decode_to_the_same_text() {
        assert_eq!(decode(b"J\xF6rg"), "Jörg");
        assert_eq!(decode("Jörg".as_bytes()), "Jörg");
        assert_eq!(decode(b"\xEF\xBB\xBFabc\r\n\x1A"), "abc\r\n");
    }
}
