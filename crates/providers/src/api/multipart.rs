//! `multipart/form-data` bodies (RFC 7578), built into bytes with no I/O.
//!
//! The boundary is an argument, so a body is reproducible; pick one that does
//! not occur in any part (a random token of 16+ characters from the caller's
//! RNG does).

/// One part of a form: a field, or a file with a file name and content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field name.
    pub name: String,
    /// For file parts: the file name sent in `Content-Disposition`.
    pub filename: Option<String>,
    /// For file parts: the part's `Content-Type`.
    pub content_type: Option<String>,
    /// The part's content.
    pub data: Vec<u8>,
}

impl Part {
    /// A plain text field.
    pub fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            data: value.as_bytes().to_vec(),
        }
    }

    /// A file field.
    pub fn file(name: &str, filename: &str, content_type: &str, data: Vec<u8>) -> Self {
        Self {
            name: name.to_owned(),
            filename: Some(filename.to_owned()),
            content_type: Some(content_type.to_owned()),
            data,
        }
    }
}

/// The `Content-Type` header value for a body built with `boundary`.
pub fn content_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// Encodes `parts` as a `multipart/form-data` body delimited by `boundary`.
///
/// Names and file names are written as quoted strings with `"`, `\r` and `\n`
/// percent-escaped, as RFC 7578 §2 and the WHATWG form encoding do.
pub fn encode(parts: &[Part], boundary: &str) -> Vec<u8> {
    let size: usize = parts
        .iter()
        .map(|p| p.data.len() + p.name.len() + 128)
        .sum();
    let mut body = Vec::with_capacity(size + boundary.len() * (parts.len() + 1));
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(b"Content-Disposition: form-data; name=\"");
        body.extend_from_slice(quote(&part.name).as_bytes());
        body.push(b'"');
        if let Some(filename) = &part.filename {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(quote(filename).as_bytes());
            body.push(b'"');
        }
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = &part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

fn quote(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_files_are_delimited_by_the_boundary() {
        let parts = [
            Part::text("status", "public"),
            Part::file(
                "file",
                "run \"1\".gpx",
                "application/gpx+xml",
                b"<gpx/>".to_vec(),
            ),
        ];
        let body = String::from_utf8(encode(&parts, "XyZ")).unwrap();
        assert_eq!(
            body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\npublic\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"run %221%22.gpx\"\r\n\
             Content-Type: application/gpx+xml\r\n\r\n<gpx/>\r\n--XyZ--\r\n"
        );
        assert_eq!(content_type("XyZ"), "multipart/form-data; boundary=XyZ");
    }
}
