import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

extension Web {
    /// `GET /documents/:id`: a document's file, always as a download (`Content-Disposition: attachment`, `nosniff`,
    /// a sandboxing Content-Security-Policy), never rendered in the page. The services decide who may read it: a
    /// published decision's current Part 1 documents for anyone, a Part 2 one for the office's Part 2 readers only
    /// (each read an audit event); anything else is 404 to the public, as if it did not exist.
    func addDocumentRoutes(to router: some RouterMethods<WebContext>) {
        router.get("/documents/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            let received = DownloadBuffer()
            let document: StoredDocument
            do {
                document = try await app.downloadDocument(id, by: context.user) { received.append($0) }
            } catch let error where Refusal.status(of: error) != nil {
                let status = Refusal.status(of: error) ?? .notFound
                let message =
                    status == .forbidden
                    ? "This document is confidential (Part 2)." : "There is no document here."
                return pages.error(status, message: message, context: context)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: document.type.mediaType,
                    .contentDisposition: Self.attachmentDisposition(document.name),
                    .init("X-Content-Type-Options")!: "nosniff",
                    .init("Content-Security-Policy")!: "default-src 'none'; sandbox",
                    .cacheControl: document.part == .part2 ? "no-store" : "private, max-age=60",
                ],
                body: .init(byteBuffer: received.buffer))
        }
    }

    /// `attachment`, with an ASCII file name (anything else as `_`) and the exact name percent-encoded (RFC 6266).
    static func attachmentDisposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

/// The chunks of one download, gathered for the response (a file is at most the size limit, 25 MB by default).
private final class DownloadBuffer: @unchecked Sendable {
    private(set) var buffer = ByteBuffer()
    func append(_ data: Data) { buffer.writeBytes(data) }
}
