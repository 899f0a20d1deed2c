//! The service characters of one interchange (ISO 9735 §1.1, the `UNA` service string advice).

/// One service character. Usually one ASCII byte, but a broken `UNA` has been seen declaring a
/// UTF-8 curly quote (three bytes) as segment terminator, so up to four bytes are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delim {
    bytes: [u8; 4],
    len: u8,
}

impl Delim {
    /// A one-byte service character.
    pub const fn byte(b: u8) -> Self {
        Delim {
            bytes: [b, 0, 0, 0],
            len: 1,
        }
    }

    /// A service character from its encoded bytes (1 to 4 bytes; longer input is cut).
    pub fn from_slice(s: &[u8]) -> Self {
        let len = s.len().clamp(1, 4);
        let mut bytes = [0u8; 4];
        bytes[..len].copy_from_slice(&s[..len.min(s.len())]);
        Delim {
            bytes,
            len: len as u8,
        }
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// The first byte, which the tokenizer compares before looking at the rest.
    #[inline]
    pub fn first(&self) -> u8 {
        self.bytes[0]
    }

    /// Whether `input` starts with this character.
    #[inline]
    pub fn starts(&self, input: &[u8]) -> bool {
        if self.len == 1 {
            input.first() == Some(&self.bytes[0])
        } else {
            input.starts_with(self.as_bytes())
        }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a service character has at least one byte (kept for clippy's sake).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether this is ASCII white space, which ISO 9735 uses for "not used".
    pub fn is_space(&self) -> bool {
        self.len == 1 && matches!(self.bytes[0], b' ' | b'\t' | b'\r' | b'\n')
    }
}

/// Separators, release character and terminator in force for one interchange.
///
/// The repetition separator of syntax version 4 is off by default: PAXLST and PNRGOV never
/// repeat data elements, and the US CBP sender id `APIS*ABE` would be split by a reader that
/// honoured it (reference/messages.md §1.1). [`super::ReadOptions`] turns it on; even then the
/// tokenizer and values ignore it and only [`super::Element::repetitions`] splits on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    /// Component data element separator (default `:`).
    pub component: Delim,
    /// Data element separator (default `+`).
    pub element: Delim,
    /// Release character (default `?`); `None` when the UNA says "not used" (a space).
    pub release: Option<Delim>,
    /// Segment terminator (default `'`).
    pub terminator: Delim,
    /// Repetition separator (UNA position 7, syntax version 4); `None` unless asked for with
    /// [`super::ReadOptions::repetition`].
    pub repetition: Option<Delim>,
}

impl Default for Delimiters {
    fn default() -> Self {
        Delimiters {
            component: Delim::byte(b':'),
            element: Delim::byte(b'+'),
            release: Some(Delim::byte(b'?')),
            terminator: Delim::byte(b'\''),
            repetition: None,
        }
    }
}

impl Delimiters {
    /// True when no two service characters are the same (a UNA breaking this is unusable).
    pub fn distinct(&self) -> bool {
        let c = self.component.as_bytes();
        let e = self.element.as_bytes();
        let t = self.terminator.as_bytes();
        let r = self
            .release
            .map(|r| r.as_bytes().to_vec())
            .unwrap_or_default();
        c != e && c != t && e != t && r.as_slice() != c && r.as_slice() != e && r.as_slice() != t
    }
}
