import OPCCServices
import Testing

@testable import OPCCMail

/// Replies read from bytes as they arrive, in any split.
struct SMTPReplyReaderTests {
    static let ehlo = "250-sink.localhost\r\n250-SIZE 33554432\r\n250-STARTTLS\r\n250-AUTH LOGIN PLAIN\r\n250 HELP\r\n"

    @Test func aMultiLineReplyIsOneReplyWithItsExtensions() throws {
        var reader = SMTPReplyReader()
        reader.feed(Array(Self.ehlo.utf8))
        let reply = try #require(try reader.nextReply())
        #expect(reply.code == 250)
        #expect(reply.extensions["STARTTLS"] == [])
        #expect(reply.extensions["AUTH"] == ["LOGIN", "PLAIN"])
        #expect(try reader.nextReply() == nil)
        #expect(reader.isEmpty)
    }

    @Test func aReplySplitAcrossReadsIsCompleteOnlyAtItsLastLine() throws {
        var reader = SMTPReplyReader()
        var replies: [SMTPReply] = []
        for byte in Array((Self.ehlo + "220 ready\r\n").utf8) {
            reader.feed([byte])
            if let reply = try reader.nextReply() { replies.append(reply) }
        }
        #expect(replies.map(\.code) == [250, 220])
    }

    @Test func twoRepliesInOneReadAreReadInTurn() throws {
        var reader = SMTPReplyReader()
        reader.feed(Array("250 OK\r\n550 no\r\n".utf8))
        #expect(try reader.nextReply()?.code == 250)
        #expect(try reader.nextReply()?.code == 550)
        #expect(try reader.nextReply() == nil)
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "250+x\r\n", "999 x\r\n", "250-a\r\n251 b\r\n"])
    func bytesThatAreNotAnSMTPReplyAreAProtocolViolation(text: String) {
        var reader = SMTPReplyReader()
        reader.feed(Array(text.utf8))
        #expect(throws: SMTPFailure.protocolViolation) {
            while try reader.nextReply() != nil {}
        }
    }

    @Test func aLineLongerThanAnyReplyIsAProtocolViolation() {
        var reader = SMTPReplyReader()
        reader.feed(Array(repeating: UInt8(ascii: "2"), count: SMTPReplyReader.lineLimit + 1))
        #expect(throws: SMTPFailure.protocolViolation) { try reader.nextReply() }
    }

    @Test(arguments: [(451, "temporary"), (452, "temporary"), (550, "permanent"), (554, "permanent")])
    func aRefusalOfAMessageIsTemporaryFor4xxAndPermanentFor5xx(code: Int, kind: String) {
        let outcome = SMTPReply(code: code, lines: []).refusalOutcome
        #expect(outcome == (kind == "temporary" ? .temporary(category: "rejected") : .permanent(category: "rejected")))
    }
}
