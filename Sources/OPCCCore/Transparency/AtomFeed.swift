/// An Atom feed (RFC 4287) of published items, as a feed reader subscribes to it: the feed's `id`, `title`,
/// `updated`, `author` and `self` link, and per entry its `id`, `title`, `updated`, `link` and an optional summary.
/// Pure text: the caller gives the entries and the time; nothing here reads a clock.
public struct AtomFeed: Hashable, Sendable {
    /// One published item.
    public struct Entry: Hashable, Sendable {
        /// A permanent IRI for the item (its public address): the same entry keeps it for ever.
        public var id: String
        public var title: String
        /// RFC 3339 date-time, e.g. `2016-03-14T00:00:00Z`.
        public var updated: String
        /// The item's web page.
        public var link: String
        public var summary: String?

        public init(id: String, title: String, updated: String, link: String, summary: String? = nil) {
            self.id = id
            self.title = title
            self.updated = updated
            self.link = link
            self.summary = summary
        }
    }

    /// The feed's permanent IRI (its own address without the query is not enough for a filtered feed: pass the whole
    /// address, query included, so each filtered feed is its own).
    public var id: String
    public var title: String
    /// RFC 3339 date-time of the latest change: the newest entry's, or the caller's day when there is none.
    public var updated: String
    /// Who publishes it (RFC 4287 requires an author on the feed when an entry has none).
    public var author: String
    /// The feed's own address (`rel="self"`).
    public var selfLink: String
    /// The web page the feed mirrors (`rel="alternate"`).
    public var alternateLink: String
    public var entries: [Entry]

    public init(
        id: String, title: String, updated: String, author: String, selfLink: String, alternateLink: String,
        entries: [Entry]
    ) {
        self.id = id
        self.title = title
        self.updated = updated
        self.author = author
        self.selfLink = selfLink
        self.alternateLink = alternateLink
        self.entries = entries
    }

    /// A day as an Atom date-time: midnight UTC of that calendar day (a decision's day has no time of day).
    public static func dateTime(_ day: Day) -> String { day.iso + "T00:00:00Z" }

    /// The document, UTF-8 XML.
    public var xml: String {
        var lines = [
            #"<?xml version="1.0" encoding="utf-8"?>"#,
            #"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">"#,
            "<id>\(Self.escape(id))</id>",
            "<title>\(Self.escape(title))</title>",
            "<updated>\(Self.escape(updated))</updated>",
            "<author><name>\(Self.escape(author))</name></author>",
            #"<link rel="self" type="application/atom+xml" href="\#(Self.escape(selfLink))"/>"#,
            #"<link rel="alternate" type="text/html" href="\#(Self.escape(alternateLink))"/>"#,
        ]
        for entry in entries {
            lines += [
                "<entry>",
                "<id>\(Self.escape(entry.id))</id>",
                "<title>\(Self.escape(entry.title))</title>",
                "<updated>\(Self.escape(entry.updated))</updated>",
                #"<link rel="alternate" type="text/html" href="\#(Self.escape(entry.link))"/>"#,
            ]
            if let summary = entry.summary { lines.append("<summary>\(Self.escape(summary))</summary>") }
            lines.append("</entry>")
        }
        lines.append("</feed>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text as XML character data or an attribute value: the five markup characters escaped, and every character
    /// XML 1.0 cannot hold (C0 controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) dropped, so
    /// whatever a person typed never makes the feed ill-formed.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
