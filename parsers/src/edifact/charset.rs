//! Character repertoires (UNB S001 syntax identifier, reference/messages.md §1.6) and decoding of
//! values to text. The tokenizer works on bytes; only values are decoded, each on its own.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// How values of an interchange are encoded, from the UNB syntax identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UNOA, UNOB, IATA, IATB and unknown identifiers: ASCII is expected. Real traffic carries
    /// UTF-8 and stray 8-bit bytes anyway; those are decoded leniently and reported.
    Ascii,
    /// UNOC: ISO 8859-1.
    Latin1,
    /// UNOD..UNOK: the other ISO 8859 parts.
    Iso8859(&'static Encoding),
    /// UNOW, UNOY: UTF-8.
    Utf8,
}

/// What went wrong while decoding a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeIssue {
    /// Bytes outside the declared repertoire that were valid UTF-8 and kept as such.
    OutsideRepertoire,
    /// Bytes that could not be decoded and were replaced with U+FFFD.
    Replaced,
    /// 8-bit bytes under an ASCII repertoire that are not UTF-8 either, read as Windows-1252
    /// (the usual source of such bytes; `NOVOTN\xDD` is `NOVOTNÝ`).
    EightBit,
}

impl Charset {
    /// The repertoire of a syntax identifier such as `UNOA` or `IATA`.
    pub fn from_syntax_id(id: &str) -> Charset {
        let label = match id.trim().to_ascii_uppercase().as_str() {
            "UNOC" => return Charset::Latin1,
            "UNOW" | "UNOY" => return Charset::Utf8,
            "UNOD" => "iso-8859-2",
            "UNOE" => "iso-8859-5",
            "UNOF" => "iso-8859-7",
            "UNOG" => "iso-8859-3",
            "UNOH" => "iso-8859-4",
            "UNOI" => "iso-8859-6",
            "UNOJ" => "iso-8859-8",
            "UNOK" => "iso-8859-9",
            _ => return Charset::Ascii,
        };
        Encoding::for_label(label.as_bytes()).map_or(Charset::Ascii, Charset::Iso8859)
    }

    /// Decodes one value. ASCII input (nearly all traffic) is borrowed without copying.
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> (Cow<'a, str>, Option<DecodeIssue>) {
        if bytes.is_ascii() {
            // ASCII is valid UTF-8, so this cannot fail.
            return (
                Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default()),
                None,
            );
        }
        match self {
            Charset::Latin1 => match std::str::from_utf8(bytes) {
                // UTF-8 sent under UNOC: decoding it as Latin-1 would garble every accent.
                Ok(s) => (Cow::Borrowed(s), Some(DecodeIssue::OutsideRepertoire)),
                Err(_) => (Cow::Owned(bytes.iter().map(|&b| b as char).collect()), None),
            },
            Charset::Iso8859(enc) => {
                let (s, had_errors) = enc.decode_without_bom_handling(bytes);
                (s, had_errors.then_some(DecodeIssue::Replaced))
            }
            Charset::Utf8 => {
                let s = String::from_utf8_lossy(bytes);
                let issue = matches!(s, Cow::Owned(_)).then_some(DecodeIssue::Replaced);
                (s, issue)
            }
            Charset::Ascii => match std::str::from_utf8(bytes) {
                Ok(s) => (Cow::Borrowed(s), Some(DecodeIssue::OutsideRepertoire)),
                Err(_) => {
                    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                    (s, Some(DecodeIssue::EightBit))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unoa_with_utf8_is_kept_and_reported() {
        let (s, issue) = Charset::from_syntax_id("UNOA").decode("ALI YY\u{c9}".as_bytes());
        assert_eq!(s, "ALI YY\u{c9}");
        assert_eq!(issue, Some(DecodeIssue::OutsideRepertoire));
    }

    #[test]
    fn stray_byte_is_read_as_windows_1252_and_reported() {
        let (s, issue) = Charset::from_syntax_id("IATA").decode(b"NOVOTN\xDD");
        assert_eq!(s, "NOVOTN\u{dd}");
        assert_eq!(issue, Some(DecodeIssue::EightBit));
    }

    #[test]
    fn invalid_utf8_under_unoy_is_replaced() {
        let (s, issue) = Charset::from_syntax_id("UNOY").decode(b"A\xFFB");
        assert_eq!(s, "A\u{fffd}B");
        assert_eq!(issue, Some(DecodeIssue::Replaced));
    }

    #[test]
    fn unoc_is_latin1() {
        let (s, issue) = Charset::from_syntax_id("UNOC").decode(b"M\xdcLLER");
        assert_eq!(s, "M\u{dc}LLER");
        assert_eq!(issue, None);
    }

    #[test]
    fn unoy_is_utf8() {
        let (s, issue) =
            Charset::from_syntax_id("UNOY").decode("\u{41f}\u{415}\u{422}\u{420}".as_bytes());
        assert_eq!(s, "\u{41f}\u{415}\u{422}\u{420}");
        assert_eq!(issue, None);
    }

    #[test]
    fn unoe_is_cyrillic() {
        let (s, _) = Charset::from_syntax_id("UNOE").decode(&[0xBF]);
        assert_eq!(s, "\u{41f}");
    }
}
