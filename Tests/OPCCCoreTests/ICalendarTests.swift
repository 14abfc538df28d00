import Foundation
import Testing

@testable import OPCCCore

private func day(_ text: String) -> Day {
    do {
        return try Day(iso: text)
    } catch {
        preconditionFailure("test date \(text) is not a date")
    }
}

@Suite("iCalendar text escaping")
struct ICalendarEscapingTests {
    @Test func backslashSemicolonAndCommaAreEscaped() {
        #expect(ICalendar.escape(#"a\b;c,d"#) == #"a\\b\;c\,d"#)
    }

    @Test func everyKindOfLineBreakBecomesBackslashN() {
        #expect(ICalendar.escape("one\r\ntwo\nthree\rfour") == #"one\ntwo\nthree\nfour"#)
    }

    @Test func controlCharactersOtherThanTabAreDropped() {
        #expect(ICalendar.escape("a\u{07}b\tc\u{7F}") == "ab\tc")
    }

    @Test func colonsAndNonASCIIPassUnchanged() {
        #expect(ICalendar.escape("Part 1: £50,000 café") == #"Part 1: £50\,000 café"#)
    }
}

@Suite("iCalendar line folding")
struct ICalendarFoldingTests {
    @Test func aLineOf75OctetsIsNotFolded() {
        let line = String(repeating: "a", count: 75)
        #expect(ICalendar.fold(line) == line)
    }

    @Test func longLinesFoldAt75OctetsWithALeadingSpace() {
        let line = String(repeating: "a", count: 200)
        let parts = ICalendar.fold(line).components(separatedBy: "\r\n")
        #expect(parts.map(\.utf8.count) == [75, 75, 52])
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(
            parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
    }

    @Test func foldingNeverSplitsAUTF8Character() {
        // 74 ASCII octets then "£" (two octets): the pound sign would end at octet 76, so it starts the next line.
        let line = String(repeating: "a", count: 74) + "££€😀" + String(repeating: "b", count: 100)
        let folded = ICalendar.fold(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts[0] == String(repeating: "a", count: 74))
        #expect(parts.allSatisfy { $0.utf8.count <= 75 })
        // Every part is valid UTF-8 on its own: decoding its bytes changes nothing.
        #expect(parts.allSatisfy { String(decoding: Array($0.utf8), as: UTF8.self) == $0 })
        #expect(
            parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line)
    }

    @Test func foldingOfMultiOctetTextKeepsEveryLineWithinTheLimit() {
        let line = "SUMMARY:" + String(repeating: "é€😀", count: 40)
        let parts = ICalendar.fold(line).components(separatedBy: "\r\n")
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.utf8.count <= 75 })
    }
}

@Suite("iCalendar document")
struct ICalendarDocumentTests {
    let calendar = ICalendar(
        name: "Cumbria, Part 1", stamp: "20161120T120000Z",
        events: [
            ICalendar.Event(
                uid: "cumbria-DR-0001.part1@opcc", day: day("2016-03-14"), summary: "Publish 014/2016; VLI, pilot",
                description: "Line one\nLine two", url: "https://example.org/register/cumbria-DR-0001",
                categories: ["Part 1", "Publication, due"])
        ])

    @Test func everyLineEndsWithCRLF() {
        let text = calendar.text
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
    }

    @Test func theCalendarCarriesTheRequiredProperties() {
        let lines = calendar.text.components(separatedBy: "\r\n")
        for expected in [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OPCC//opcc calendar//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:Cumbria\\, Part 1", "END:VCALENDAR",
        ] {
            #expect(lines.contains(expected), "missing \(expected)")
        }
    }

    @Test func anAllDayEventStartsOnItsDayAndEndsTheNext() {
        let lines = calendar.text.components(separatedBy: "\r\n")
        #expect(lines.contains("DTSTART;VALUE=DATE:20160314"))
        #expect(lines.contains("DTEND;VALUE=DATE:20160315"))
        #expect(lines.contains("DTSTAMP:20161120T120000Z"))
        #expect(lines.contains("UID:cumbria-DR-0001.part1@opcc"))
        #expect(lines.contains("SUMMARY:Publish 014/2016\\; VLI\\, pilot"))
        #expect(lines.contains("DESCRIPTION:Line one\\nLine two"))
        #expect(lines.contains("URL:https://example.org/register/cumbria-DR-0001"))
        #expect(lines.contains("CATEGORIES:Part 1,Publication\\, due"))
    }

    @Test func aMonthEndEventEndsOnTheFirstOfTheNextMonth() {
        let event = ICalendar.Event(uid: "x", day: day("2016-02-29"), summary: "Leap")
        let text = ICalendar(name: "n", stamp: "20160101T000000Z", events: [event]).text
        #expect(text.contains("DTEND;VALUE=DATE:20160301\r\n"))
    }

    @Test func auditTimestampsBecomeUTCDateTimes() {
        #expect(ICalendar.utcStamp(fromTimestamp: "2016-03-07T12:00:00.000Z") == "20160307T120000Z")
        #expect(ICalendar.utcStamp(fromTimestamp: "yesterday") == nil)
    }
}
