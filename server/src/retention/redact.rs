//! Masks sensitive segments in raw EDIFACT bytes: every letter and digit of a segment whose SSR
//! code is listed, or whose text reveals a listed keyword, becomes `X`. Separators stay, so the
//! interchange still parses; the SHA-256 key of the bytes as received is kept for de-duplication.

use super::sensitive::{TermList, IDENTITY_SSRS};

/// The segment terminator and release character of an interchange (UNA or the defaults).
fn delimiters(raw: &[u8]) -> (u8, u8) {
    if raw.len() >= 9 && raw.starts_with(b"UNA") {
        (raw[8], raw[6])
    } else {
        (b'\'', b'?')
    }
}

/// The raw bytes with sensitive segments masked.
pub fn redact_raw(raw: &[u8], list: &TermList) -> Vec<u8> {
    let (term, release) = delimiters(raw);
    let mut out = raw.to_vec();
    let mut start = 0;
    let mut i = 0;
    while i <= raw.len() {
        let end = i == raw.len();
        if !end && raw[i] == release {
            i += 2;
            continue;
        }
        if end || raw[i] == term {
            let seg = &raw[start..i.min(raw.len())];
            if is_sensitive(seg, list) {
                // Keep the tag (the first three letters after leading whitespace) readable.
                let tag_end = seg
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|p| p + 3)
                    .unwrap_or(0);
                for b in &mut out[start + tag_end.min(seg.len())..i.min(raw.len())] {
                    if b.is_ascii_alphanumeric() {
                        *b = b'X';
                    }
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    out
}

fn is_sensitive(seg: &[u8], list: &TermList) -> bool {
    let text = String::from_utf8_lossy(seg);
    let t = text.trim_start();
    if t.starts_with("UN") {
        return false;
    }
    if let Some(rest) = t.strip_prefix("SSR+") {
        let code: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if list.codes.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
            return true;
        }
        if IDENTITY_SSRS.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
            return false;
        }
    } else if !(t.starts_with("IFT+") || t.starts_with("LTS+")) {
        // Only SSR, IFT and LTS segments carry free text; names (TIF) are never keyword-matched.
        return false;
    }
    // Element separators are not word characters, so the keyword test sees the free text.
    list.reveals(t.get(4..).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_segments_are_masked_and_others_kept() {
        let list = TermList {
            version: 1,
            codes: vec!["MOML".into()],
            keywords: vec!["wheelchair".into()],
        };
        let raw = b"UNA:+.?*'\nUNH+1+PNRGOV'\nSSR+MOML:HK:1:ZZ'\nIFT+4:28+NEEDS WHEELCHAIR'\nSSR+DOCS:HK:1:ZZ'\n";
        let got = String::from_utf8(redact_raw(raw, &list)).unwrap();
        assert_eq!(got, "UNA:+.?*'\nUNH+1+PNRGOV'\nSSR+XXXX:XX:X:XX'\nIFT+X:XX+XXXXX XXXXXXXXXX'\nSSR+DOCS:HK:1:ZZ'\n");
    }
}
