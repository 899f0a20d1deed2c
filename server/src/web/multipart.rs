//! `multipart/form-data` for the pages' one upload form (a watchlist file with a few text fields).
//! The body is read whole under a size limit, then split at the boundary; parts are slices of the
//! body, not copies. Written here rather than adding `actix-multipart`: a form with one or two
//! files and three text fields needs this much and no streaming.

use actix_web::web::{self, Bytes};
use futures_util::StreamExt;

/// One part of the form.
pub struct Part {
    /// The field's name.
    pub name: String,
    /// The file's name as the browser sent it, for file fields.
    pub filename: Option<String>,
    /// The field's bytes.
    pub data: Bytes,
}

impl Part {
    /// A text field's value (lossy UTF-8, trimmed).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).trim().to_string()
    }
}

/// Why a body could not be read as a form.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Larger than the limit.
    TooLarge,
    /// Not `multipart/form-data`, or broken framing.
    Malformed(&'static str),
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

/// Reads a request body of at most `limit` bytes.
pub async fn read(mut payload: web::Payload, limit: usize) -> Result<Bytes, Error> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Error::Malformed("the upload was interrupted"))?;
        if body.len() + chunk.len() > limit {
            return Err(Error::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let at = i + hay[i..hay.len() - needle.len() + 1]
            .iter()
            .position(|&b| b == first)?;
        if &hay[at..at + needle.len()] == needle {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// A parameter of a `Content-Disposition` header (`name="x"`).
fn param(header: &str, key: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// Splits a body into its parts (at most `max_parts`).
pub fn parse(body: &Bytes, boundary: &str, max_parts: usize) -> Result<Vec<Part>, Error> {
    let delimiter = format!("--{boundary}");
    let next = format!("\r\n--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0).ok_or(Error::Malformed("no form boundary"))?
        + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err(Error::Malformed("broken form framing"));
        }
        let head_start = at + 2;
        let head_end = find(body, b"\r\n\r\n", head_start)
            .ok_or(Error::Malformed("a form part has no end of headers"))?;
        let head = String::from_utf8_lossy(&body[head_start..head_end]);
        let disposition = head
            .split("\r\n")
            .find(|l| {
                l.split_once(':')
                    .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
            })
            .ok_or(Error::Malformed("a form part has no name"))?;
        let name = param(disposition, "name").ok_or(Error::Malformed("a form part has no name"))?;
        let data_start = head_end + 4;
        let data_end = find(body, next.as_bytes(), data_start)
            .ok_or(Error::Malformed("the form does not end"))?;
        if parts.len() == max_parts {
            return Err(Error::Malformed("too many form fields"));
        }
        parts.push(Part {
            name,
            filename: param(disposition, "filename"),
            data: body.slice(data_start..data_end),
        });
        at = data_end + next.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "----form7MA4YWxk";

    fn body(parts: &[(&str, Option<&str>, &str)]) -> Bytes {
        let mut s = String::from("preamble\r\n");
        for (name, file, data) in parts {
            s.push_str(&format!(
                "--{B}\r\nContent-Disposition: form-data; name=\"{name}\""
            ));
            if let Some(f) = file {
                s.push_str(&format!("; filename=\"{f}\"\r\nContent-Type: text/csv"));
            }
            s.push_str(&format!("\r\n\r\n{data}\r\n"));
        }
        s.push_str(&format!("--{B}--\r\n"));
        Bytes::from(s)
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={B}")).as_deref(),
            Some(B)
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn fields_and_files_are_split_with_their_names_and_bytes() {
        let csv = "surname,given_names\r\nA,B\r\n--not-the-boundary\r\n";
        let b = body(&[
            ("name", None, "ofac list"),
            ("file", Some("list.csv"), csv),
            ("strict", None, "on"),
        ]);
        let parts = parse(&b, B, 8).unwrap();
        let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["name", "file", "strict"]);
        assert_eq!(parts[0].text(), "ofac list");
        assert_eq!(parts[1].filename.as_deref(), Some("list.csv"));
        assert_eq!(&parts[1].data[..], csv.as_bytes());
        assert_eq!(parts[2].filename, None);
    }

    #[test]
    fn broken_or_oversized_forms_are_refused() {
        let b = body(&[("a", None, "1"), ("b", None, "2")]);
        assert_eq!(
            parse(&b, B, 1).err(),
            Some(Error::Malformed("too many form fields"))
        );
        let cut = b.slice(..b.len() - 12);
        assert!(parse(&cut, B, 8).is_err());
        assert_eq!(
            parse(&Bytes::from_static(b"no boundary here"), B, 8).err(),
            Some(Error::Malformed("no form boundary"))
        );
    }
}
