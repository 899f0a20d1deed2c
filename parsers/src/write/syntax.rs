//! The syntax layer of the writers: escaping, segment building and the envelope with its control
//! counts. Message writers only say which segments and values to emit; every separator, release
//! character and count is produced here, once.

/// The service string advice written before every interchange. Position 7 is a space (no
/// repetition separator): PAXLST and PNRGOV never repeat data elements, and a `*` there would make
/// v4 readers split values such as `APIS*ABE`.
pub(crate) const UNA: &[u8] = b"UNA:+.? '";

const RELEASE: u8 = b'?';

/// Appends `value` to `out`, putting the release character before each service character.
pub(crate) fn escape_into(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    // Most values hold no service character; copy them in one go.
    if !bytes.iter().any(|&b| is_service(b)) {
        out.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        if is_service(b) {
            out.push(RELEASE);
        }
        out.push(b);
    }
}

fn is_service(b: u8) -> bool {
    matches!(b, b'?' | b':' | b'+' | b'\'')
}

/// Accumulates the segments of one message (UNH to UNT) and counts them for UNT.
pub(crate) struct MessageBody {
    out: Vec<u8>,
    segments: usize,
    line_breaks: bool,
}

impl MessageBody {
    /// An empty body; `line_breaks` puts a newline after every segment terminator, as most
    /// senders do (readers skip it between segments).
    pub(crate) fn new(line_breaks: bool, capacity: usize) -> Self {
        MessageBody {
            out: Vec::with_capacity(capacity),
            segments: 0,
            line_breaks,
        }
    }

    /// Starts a segment with `tag`; the segment is terminated when the returned builder drops.
    pub(crate) fn seg(&mut self, tag: &str) -> Seg<'_> {
        self.segments += 1;
        self.out.extend_from_slice(tag.as_bytes());
        Seg {
            body: self,
            pending_elements: 0,
            pending_components: 0,
        }
    }

    /// Number of segments written so far.
    pub(crate) fn segments(&self) -> usize {
        self.segments
    }

    /// The bytes written so far.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

/// Builder for one segment. Empty elements and components are only materialised when a later
/// value needs them as position holders, so trailing empties are never written.
pub(crate) struct Seg<'a> {
    body: &'a mut MessageBody,
    pending_elements: usize,
    pending_components: usize,
}

impl Seg<'_> {
    /// Starts a new data element whose first component is `value` (may be empty).
    pub(crate) fn e(mut self, value: &str) -> Self {
        self.pending_elements += 1;
        self.pending_components = 0;
        self.put(value);
        self
    }

    /// Adds a further component `value` (may be empty) to the current element.
    pub(crate) fn c(mut self, value: &str) -> Self {
        self.pending_components += 1;
        self.put(value);
        self
    }

    /// Like [`Seg::e`] for an optional value.
    pub(crate) fn eo(self, value: Option<&str>) -> Self {
        self.e(value.unwrap_or(""))
    }

    /// Like [`Seg::c`] for an optional value.
    pub(crate) fn co(self, value: Option<&str>) -> Self {
        self.c(value.unwrap_or(""))
    }

    fn put(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        let out = &mut self.body.out;
        for _ in 0..self.pending_elements {
            out.push(b'+');
        }
        for _ in 0..self.pending_components {
            out.push(b':');
        }
        self.pending_elements = 0;
        self.pending_components = 0;
        escape_into(out, value);
    }
}

impl Drop for Seg<'_> {
    fn drop(&mut self) {
        self.body.out.push(b'\'');
        if self.body.line_breaks {
            self.body.out.push(b'\n');
        }
    }
}

/// Everything the envelope needs, resolved from options, the model and defaults.
pub(crate) struct Envelope<'a> {
    /// Syntax identifier and version, e.g. `("UNOA", "4")` or `("IATA", "1")`.
    pub syntax: (&'a str, &'a str),
    pub sender: &'a str,
    pub recipient: &'a str,
    /// `YYMMDD` and `HHMM` of preparation.
    pub date: &'a str,
    pub time: &'a str,
    pub interchange_ref: &'a str,
    /// UNB application reference (0026), e.g. `PAXLST`.
    pub application: &'a str,
    /// Functional group: message type, controlling agency and version (`PAXLST`, `UN`, `D:05B`).
    pub group: Option<(&'a str, &'a str, &'a str)>,
    pub test: bool,
    pub line_breaks: bool,
}

/// Wraps one finished message (UNH..UNT) in UNA, UNB, optional UNG/UNE, and UNZ.
pub(crate) fn interchange(env: &Envelope<'_>, message: Vec<u8>) -> Vec<u8> {
    let mut head = MessageBody::new(env.line_breaks, 256);
    head.out.extend_from_slice(UNA);
    if env.line_breaks {
        // Keeps UNA on a line of its own, like the IG examples; readers skip the newline.
        head.out.push(b'\n');
    }
    head.seg("UNB")
        .e(env.syntax.0)
        .c(env.syntax.1)
        .e(env.sender)
        .e(env.recipient)
        .e(env.date)
        .c(env.time)
        .e(env.interchange_ref)
        .e("")
        .e(env.application)
        .e("")
        .e("")
        .e("")
        .e(if env.test { "1" } else { "" });
    if let Some((kind, agency, version)) = env.group {
        let (major, minor) = version.split_once(':').unwrap_or((version, ""));
        head.seg("UNG")
            .e(kind)
            .e(env.sender)
            .e(env.recipient)
            .e(env.date)
            .c(env.time)
            .e(env.interchange_ref)
            .e(agency)
            .e(major)
            .c(minor);
    }
    let mut tail = MessageBody::new(env.line_breaks, 64);
    // One message per interchange: UNE counts it in its group, UNZ counts the group (or the
    // message when there is no group); references repeat those of the headers.
    if env.group.is_some() {
        tail.seg("UNE").e("1").e(env.interchange_ref);
    }
    tail.seg("UNZ").e("1").e(env.interchange_ref);
    let (head, tail) = (head.into_bytes(), tail.into_bytes());
    let mut out = Vec::with_capacity(head.len() + message.len() + tail.len());
    out.extend_from_slice(&head);
    out.extend_from_slice(&message);
    out.extend_from_slice(&tail);
    out
}

/// Characters of UNOA (level A), the repertoire PAXLST is specified in, plus the newline the
/// writer puts between segments. A table, because every byte of every message is looked up.
const LEVEL_A: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_uppercase() || c.is_ascii_digit();
        b += 1;
    }
    let extra = b" .,-()/='+:?!\"%&*;<>\n";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_level_a(b: u8) -> bool {
    LEVEL_A[b as usize]
}

/// The syntax identifier the bytes need: `ascii_default` when they fit level A, `UNOC` for other
/// ASCII (lower case, `@`), `UNOW` (UTF-8) otherwise. The writers never transcode: values are
/// written as the UTF-8 the model holds.
pub(crate) fn syntax_for<'a>(bytes: &[u8], ascii_default: &'a str) -> &'a str {
    if bytes.iter().all(|&b| is_level_a(b)) {
        ascii_default
    } else if bytes.is_ascii() {
        "UNOC"
    } else {
        "UNOW"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(build: impl FnOnce(&mut MessageBody)) -> String {
        let mut body = MessageBody::new(false, 64);
        build(&mut body);
        String::from_utf8(body.into_bytes()).unwrap()
    }

    #[test]
    fn escapes_every_service_character() {
        let s = one(|b| {
            b.seg("NAD").e("FL").e("").e("").e("O'NEIL?").c("A+B:C");
        });
        assert_eq!(s, "NAD+FL+++O?'NEIL??:A?+B?:C'");
    }

    #[test]
    fn trailing_empties_are_dropped_and_inner_ones_kept() {
        let s = one(|b| {
            b.seg("SSR")
                .e("DOCS")
                .c("HK")
                .c("")
                .c("ZZ")
                .c("")
                .e("")
                .c("")
                .c("3")
                .e("")
                .c("");
        });
        assert_eq!(s, "SSR+DOCS:HK::ZZ+::3'");
        let s = one(|b| {
            b.seg("SRC");
        });
        assert_eq!(s, "SRC'");
    }

    #[test]
    fn counts_segments() {
        let mut body = MessageBody::new(true, 64);
        body.seg("A");
        body.seg("B").e("1");
        assert_eq!(body.segments(), 2);
        assert_eq!(body.into_bytes(), b"A'\nB+1'\n");
    }

    #[test]
    fn picks_syntax_by_repertoire() {
        assert_eq!(syntax_for(b"DOE:JANE+1", "UNOA"), "UNOA");
        assert_eq!(syntax_for(b"doe@example.com", "UNOA"), "UNOC");
        assert_eq!(syntax_for("MÜLLER".as_bytes(), "IATA"), "UNOW");
    }
}
