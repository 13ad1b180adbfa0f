//! Reading `multipart/form-data` bodies (RFC 7578) that are already in memory.
//!
//! The well-kept parser (multer) reads async streams; the sandbox's handlers
//! see whole bodies, so this small reader splits them directly. It is strict:
//! anything that is not a well-formed form is an error, never a guess.

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormPart {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) data: Vec<u8>,
}

/// The parts of `body`, whose `Content-Type` is `content_type`.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let (kind, params) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!(
            "expected multipart/form-data, got `{}`",
            kind.trim()
        ));
    }
    let boundary = params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("the multipart content type has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = body
        .strip_prefix(delimiter.as_slice())
        .ok_or("the body does not start with the boundary")?;
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a boundary line is not followed by CRLF")?;
        let header_end = find(rest, b"\r\n\r\n").ok_or("a part has no end of headers")?;
        let headers =
            std::str::from_utf8(&rest[..header_end]).map_err(|_| "part headers are not UTF-8")?;
        rest = &rest[header_end + 4..];
        let mut next = b"\r\n".to_vec();
        next.extend_from_slice(&delimiter);
        let data_end = find(rest, &next).ok_or("a part is not closed by the boundary")?;
        let (name, filename) = disposition(headers)?;
        parts.push(FormPart {
            name,
            filename,
            data: rest[..data_end].to_vec(),
        });
        rest = &rest[data_end + next.len()..];
    }
}

/// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(headers: &str) -> Result<(String, Option<String>), String> {
    let line = headers
        .split("\r\n")
        .find_map(|h| {
            h.split_once(':')
                .filter(|(n, _)| n.trim().eq_ignore_ascii_case("content-disposition"))
        })
        .map(|(_, v)| v)
        .ok_or("a part has no Content-Disposition")?;
    let value = |key: &str| {
        line.split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| {
                v.trim()
                    .trim_matches('"')
                    .replace("%22", "\"")
                    .replace("%0D", "\r")
                    .replace("%0A", "\n")
            })
    };
    let name = value("name").ok_or("a part has no name")?;
    Ok((name, value("filename")))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sansauth_providers::api::multipart::{Part, content_type, encode};

    #[test]
    fn what_the_providers_crate_encodes_is_read_back() {
        let parts = [
            Part::text("status", "public"),
            Part::file(
                "file",
                "a \"b\".gpx",
                "application/gpx+xml",
                b"<gpx>\r\n</gpx>".to_vec(),
            ),
        ];
        let read = parse(&content_type("XyZ"), &encode(&parts, "XyZ")).unwrap();
        assert_eq!(
            read[0],
            FormPart {
                name: "status".into(),
                filename: None,
                data: b"public".to_vec()
            }
        );
        assert_eq!(read[1].filename.as_deref(), Some("a \"b\".gpx"));
        assert_eq!(read[1].data, b"<gpx>\r\n</gpx>");
    }

    #[test]
    fn broken_bodies_are_errors() {
        let ct = content_type("b");
        for body in [
            &b""[..],
            b"--b\r\nno headers end",
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunclosed",
            b"junk",
        ] {
            assert!(
                parse(&ct, body).is_err(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(parse("text/plain", b"--b--").is_err());
        assert!(parse("multipart/form-data", b"--b--").is_err());
    }
}
