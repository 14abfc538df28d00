import OPCCCore

/// A page of the decision register as the API answers it, written straight into bytes: the very bytes `JSONEncoder`
/// with `[.sortedKeys, .withoutEscapingSlashes]` gives for `APIPage` of `DecisionRegisterRow`s (the tests hold the
/// two equal for arbitrary rows). `JSONEncoder` built a tree of values per row and sorted every object's keys on
/// every request: about a third of the register's time in `perf`.
enum RegisterJSON {
    static func page(
        _ rows: [DecisionRegisterRow], total: Int, limit: Int, offset: Int, next: String?
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + rows.count * 520)
        out.append(contentsOf: #"{"items":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            write(row, into: &out)
        }
        out.append(contentsOf: #"],"limit":"#.utf8)
        out.append(contentsOf: String(limit).utf8)
        if let next {
            out.append(contentsOf: #","next":"#.utf8)
            string(next, into: &out)
        }
        out.append(contentsOf: #","offset":"#.utf8)
        out.append(contentsOf: String(offset).utf8)
        out.append(contentsOf: #","total":"#.utf8)
        out.append(contentsOf: String(total).utf8)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// One row: its keys in sorted order, an absent optional left out (as the synthesized `encodeIfPresent` does).
    static func write(_ row: DecisionRegisterRow, into out: inout [UInt8]) {
        var first = true
        func key(_ name: StaticString) {
            out.append(contentsOf: first ? #"{""#.utf8 : #",""#.utf8)
            first = false
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: #"":"#.utf8)
        }
        func text(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            string(value, into: &out)
        }
        func number(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            key(name)
            out.append(contentsOf: String(value).utf8)
        }
        func flag(_ name: StaticString, _ value: Bool) {
            key(name)
            out.append(contentsOf: (value ? "true" : "false").utf8)
        }
        number("amountPence", row.amountPence)
        text("decidedOn", row.decidedOn?.iso)
        text("deferralUntil", row.deferralUntil?.iso)
        flag("deferred", row.deferred)
        text("delegatedTo", row.delegatedTo)
        number("delegationLimitPence", row.delegationLimitPence)
        number("exceptionCount", Int64(row.exceptionCount))
        text("financialYear", row.financialYear)
        text("id", row.id)
        text("notedOn", row.notedOn?.iso)
        text("number", row.number)
        text("office", row.office)
        text("originatingOfficer", row.originatingOfficer)
        text("outcome", row.outcome)
        text("part1Deadline", row.part1Deadline?.iso)
        flag("part2Exists", row.part2Exists)
        text("publishedOn", row.publishedOn?.iso)
        text("status", row.status)
        text("strand", row.strand)
        text("title", row.title)
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string: the quotation mark, the reverse solidus and the control characters escaped as `JSONEncoder`
    /// escapes them (the short forms where JSON has one, `\u00xx` otherwise); every run of other bytes copied whole.
    static func string(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                escape(byte, into: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
        case 0x08: out.append(contentsOf: #"\b"#.utf8)
        case 0x0C: out.append(contentsOf: #"\f"#.utf8)
        case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
        case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
        case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
        default:
            out.append(contentsOf: #"\u00"#.utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
