/// Text as HTML character data or a quoted attribute value: `&`, `<`, `>`, `"` and `'` replaced by their
/// references (`&amp;` `&lt;` `&gt;` `&quot;` `&#39;`), every other character as it was.
///
/// Byte by byte over the UTF-8, which is both exact and fast: the five are ASCII, and no byte of a multi-byte
/// UTF-8 sequence is ASCII, so each occurrence is found wherever it stands. (Mustache's own escaping compared whole
/// `Character`s, so a quote followed by a combining mark, one `Character`, was left as a bare quote that ends an
/// attribute value; and it built every string a `Character` at a time, most of the cost of a long page.) A text
/// without any of the five, most of what a page shows, comes back as it is, without a copy.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        let needsEscaping =
            text.utf8.withContiguousStorageIfAvailable { bytes in bytes.contains(where: isMarkup) }
            ?? text.utf8.contains(where: isMarkup)
        guard needsEscaping else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) private static func isMarkup(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
