/// An iCalendar (RFC 5545) document of all-day events, as a calendar application subscribes to it: a VCALENDAR
/// published (`METHOD:PUBLISH`) with one VEVENT per dated item. Pure text: the caller gives the events and the
/// stamp; nothing here reads a clock.
public struct ICalendar: Hashable, Sendable {
    /// One all-day event.
    public struct Event: Hashable, Sendable {
        /// Stable per item, so that a calendar application updates the event rather than adding another.
        public var uid: String
        public var day: Day
        public var summary: String
        public var description: String?
        /// An absolute address; written as given (a URI, not text), with any line breaks removed.
        public var url: String?
        public var categories: [String]

        public init(
            uid: String, day: Day, summary: String, description: String? = nil, url: String? = nil,
            categories: [String] = []
        ) {
            self.uid = uid
            self.day = day
            self.summary = summary
            self.description = description
            self.url = url
            self.categories = categories
        }
    }

    /// The calendar's display name (`X-WR-CALNAME`).
    public var name: String
    /// `-//OPCC//opcc calendar//EN`.
    public var productID: String
    /// When the document was made, as UTC `YYYYMMDDTHHMMSSZ` (every event's DTSTAMP).
    public var stamp: String
    public var events: [Event]

    public init(name: String, productID: String = "-//OPCC//opcc calendar//EN", stamp: String, events: [Event]) {
        self.name = name
        self.productID = productID
        self.stamp = stamp
        self.events = events
    }

    /// The document: content lines folded at 75 octets, each ending CRLF.
    public var text: String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + Self.escape(productID), "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:" + Self.escape(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:" + Self.escape(event.uid), "DTSTAMP:" + stamp,
                "DTSTART;VALUE=DATE:" + Self.basic(event.day),
                "DTEND;VALUE=DATE:" + Self.basic(event.day.adding(days: 1)), "SUMMARY:" + Self.escape(event.summary),
            ]
            if let description = event.description { lines.append("DESCRIPTION:" + Self.escape(description)) }
            if let url = event.url {
                lines.append("URL:" + String(url.unicodeScalars.filter { !Self.isControl($0) }))
            }
            if !event.categories.isEmpty {
                lines.append("CATEGORIES:" + event.categories.map(Self.escape).joined(separator: ","))
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map { Self.fold($0) + "\r\n" }.joined()
    }

    /// A day in the basic form a DATE value takes (`20160314`).
    public static func basic(_ day: Day) -> String {
        String(day.iso.filter { $0 != "-" })
    }

    /// An audit-log timestamp (`2016-03-07T12:00:00.000Z`) as a UTC DATE-TIME (`20160307T120000Z`); nil when the
    /// text is not in that form.
    public static func utcStamp(fromTimestamp timestamp: String) -> String? {
        let digits = timestamp.prefix(19).filter(\.isNumber)
        guard digits.count == 14, timestamp.hasSuffix("Z") else { return nil }
        return String(digits.prefix(8)) + "T" + String(digits.dropFirst(8)) + "Z"
    }

    /// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon and comma are escaped, a line break (CRLF, LF or CR)
    /// becomes `\n`, and other control characters, which TEXT may not hold, are dropped (a tab is kept).
    public static func escape(_ text: String) -> String {
        var out = ""
        var scalars = text.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r":
                out += "\\n"
                if pending == "\n" { pending = scalars.next() }
            case "\n": out += "\\n"
            default:
                if !isControl(scalar) || scalar == "\t" { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Folds a content line (RFC 5545 3.1): no line longer than 75 octets, each continuation starting with one
    /// space, and never inside a UTF-8 sequence (breaks fall between Unicode scalars).
    public static func fold(_ line: String, limit: Int = 75) -> String {
        var out = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > limit {
                out += "\r\n "
                octets = 1
            }
            out.unicodeScalars.append(scalar)
            octets += size
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
