//! Checksums: a CRC-32 (IEEE) over every part file and every `manifest.json`, so that a
//! damaged file (a flipped bit, a torn write, a hand edit) is found before its contents reach
//! an output.
//!
//! CRC-32 detects every error of up to 32 consecutive bits and all but one in 2³² of the
//! others: the right tool against accidental damage, which is what it guards against (it is
//! no defence against someone who rewrites a file and its checksum on purpose). It costs
//! nothing next to a run (`crc32fast`: several GB/s).
//!
//! A part file ends with the CRC of every byte before it (4 bytes, little-endian). A manifest
//! carries its CRC as its last field, `"checksum": "crc32:XXXXXXXX"`, computed over the file
//! with that value replaced by [`PLACEHOLDER`]; so the file stays plain JSON.

/// The value the checksum field holds while the checksum is computed.
pub(crate) const PLACEHOLDER: &str = "crc32:00000000";

/// CRC-32 of `bytes`.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// `bytes` followed by their CRC-32.
pub(crate) fn seal(mut bytes: Vec<u8>) -> Vec<u8> {
    let c = crc32(&bytes);
    bytes.extend_from_slice(&c.to_le_bytes());
    bytes
}

/// The bytes before the trailing CRC-32, if it matches them.
pub(crate) fn unseal(bytes: &[u8]) -> Option<&[u8]> {
    let n = bytes.len().checked_sub(4)?;
    let (body, sum) = bytes.split_at(n);
    (u32::from_le_bytes(sum.try_into().ok()?) == crc32(body)).then_some(body)
}

/// The checksum field's value for JSON `text` written with [`PLACEHOLDER`] in it.
pub(crate) fn json_value(text_with_placeholder: &str) -> String {
    format!("crc32:{:08x}", crc32(text_with_placeholder.as_bytes()))
}

/// `text` (JSON written with [`PLACEHOLDER`] as the checksum field's value) with the
/// placeholder replaced by the checksum.
pub(crate) fn seal_json(text: &str) -> String {
    let value = json_value(text);
    text.replacen(&format!("\"{PLACEHOLDER}\""), &format!("\"{value}\""), 1)
}

/// Whether JSON `text` whose checksum field holds `value` matches it.
pub(crate) fn json_matches(text: &str, value: &str) -> bool {
    let found = format!("\"checksum\": \"{value}\"");
    let Some(at) = text.rfind(&found) else {
        return false;
    };
    let mut blank = String::with_capacity(text.len());
    blank.push_str(&text[..at]);
    blank.push_str(&format!("\"checksum\": \"{PLACEHOLDER}\""));
    blank.push_str(&text[at + found.len()..]);
    json_value(&blank) == value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_bit_anywhere_is_seen() {
        let sealed = seal(b"some part bytes".to_vec());
        assert_eq!(unseal(&sealed), Some(&b"some part bytes"[..]));
        for i in 0..sealed.len() {
            for bit in 0..8 {
                let mut b = sealed.clone();
                b[i] ^= 1 << bit;
                assert_eq!(unseal(&b), None, "byte {i} bit {bit}");
            }
        }
        assert_eq!(unseal(&sealed[..3]), None);
    }

    #[test]
    fn json_round_trip() {
        let text = format!("{{\n  \"seed\": 3,\n  \"checksum\": \"{PLACEHOLDER}\"\n}}\n");
        let sealed = seal_json(&text);
        let v: serde_json::Value = serde_json::from_str(&sealed).unwrap();
        let value = v["checksum"].as_str().unwrap();
        assert_ne!(value, PLACEHOLDER);
        assert!(json_matches(&sealed, value));
        let edited = sealed.replace("\"seed\": 3", "\"seed\": 4");
        assert!(!json_matches(&edited, value));
    }
}
