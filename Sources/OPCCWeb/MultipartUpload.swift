import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import NIOFileSystem

/// A `multipart/form-data` body as it was read: its text fields, and its one file, which was written to a file as the
/// body arrived (never held whole in memory).
struct MultipartUpload: Sendable {
    /// The text fields by name (the last value wins for a repeated name).
    var fields: [String: String] = [:]
    /// The file part, if the body had one.
    var file: File?

    struct File: Sendable {
        /// Where its bytes were written.
        let path: String
        /// The name the client gave it (`filename` or `filename*`), if any.
        let filename: String?
        let sizeBytes: Int64
    }

    /// What the text fields may hold in all, and what a body may carry besides its file (the fields, each part's
    /// headers, the boundaries): a request's limit is the file's limit plus this.
    static let allowanceBytes = 64 * 1024
}

/// Why a body was not read. Nothing was kept of it: the caller's temporary directory goes with it.
enum MultipartRefusal: Error, Equatable, Sendable {
    /// Not `multipart/form-data` with a boundary.
    case notMultipart
    /// The body is larger than the file's limit (`limitBytes`) plus the allowance; reading stopped there.
    case tooLarge(limitBytes: Int64)
    /// The text fields hold more than the allowance.
    case fieldsTooLarge
    /// A second file, or a file in a field other than the file's.
    case unexpectedFile(field: String)
    /// The body does not parse as multipart, or ends inside a part.
    case malformed

    var message: String {
        switch self {
        case .notMultipart: "send the form as multipart/form-data"
        case .tooLarge(let limit):
            "the upload is larger than the limit of \(megabytes(limit)): attach a smaller file or split it"
        case .fieldsTooLarge:
            "the form's text fields hold more than \(MultipartUpload.allowanceBytes / 1024) KB"
        case .unexpectedFile(let field): "one file per upload, in the field 'file' (not '\(field)')"
        case .malformed: "the upload is not a complete multipart/form-data body: send it again"
        }
    }
}

/// A number of bytes as people read a limit: "25 MB" (MiB, as the limit is set: `--document-limit-mb`).
func megabytes(_ bytes: Int64) -> String {
    let whole = bytes / (1024 * 1024)
    guard whole * 1024 * 1024 != bytes else { return "\(whole) MB" }
    return String(format: "%.1f MB", Double(bytes) / (1024 * 1024))
}

extension MultipartUpload {
    /// Reads `body` (as its `contentType` says) a chunk at a time: the part named `fileField` is written to
    /// `directory/upload` as it arrives, the other parts are kept as text. More than the file's limit
    /// (`fileLimitBytes`) and the allowance in all stops the reading (`tooLarge`), as does a `Content-Length` that
    /// announces more.
    static func read(
        _ body: RequestBody, contentType: String?, contentLength: Int64?, fileField: String = "file",
        fileLimitBytes: Int64, into directory: FilePath
    ) async throws -> MultipartUpload {
        guard let boundary = contentType.flatMap(Self.boundary) else { throw MultipartRefusal.notMultipart }
        let limitBytes = fileLimitBytes + Int64(allowanceBytes)
        let tooLarge = MultipartRefusal.tooLarge(limitBytes: fileLimitBytes)
        if let contentLength, contentLength > limitBytes { throw tooLarge }
        let path = directory.appending("upload")
        let parts = PartCollector(fileField: fileField)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in parts.header(name, value) }
        parser.onBody = { bytes in parts.body(&bytes) }
        parser.onPartComplete = { parts.complete() }
        var received: Int64 = 0
        try await FileSystem.shared.withFileHandle(forWritingAt: path) { handle in
            try await handle.withBufferedWriter { writer in
                for try await chunk in body {
                    received += Int64(chunk.readableBytes)
                    if received > limitBytes { throw tooLarge }
                    do { try parser.execute(chunk) } catch { throw MultipartRefusal.malformed }
                    if let refusal = parts.refusal { throw refusal }
                    if parts.pending.readableBytes > 0 { _ = try await writer.write(contentsOf: parts.takePending()) }
                }
            }
        }
        guard parts.completed > 0, !parts.inPart else { throw MultipartRefusal.malformed }
        return MultipartUpload(
            fields: parts.fields,
            file: parts.fileSeen
                ? File(path: path.string, filename: parts.filename, sizeBytes: parts.fileBytes) : nil)
    }

    /// The boundary of a `multipart/form-data` content type (quoted or not; 1 to 70 characters, as RFC 2046 allows).
    static func boundary(_ contentType: String) -> String? {
        let parameters = headerParameters(contentType)
        guard parameters.first?.name.lowercased() == "multipart/form-data",
            let boundary = parameters.first(where: { $0.name.lowercased() == "boundary" })?.value,
            (1...70).contains(boundary.utf8.count)
        else { return nil }
        return boundary
    }

    /// A header's value split at `;` outside quotes into `name=value` pairs, quotes and their escapes removed and
    /// spaces outside quotes dropped (a token has none); the first item (`form-data`, `multipart/form-data`) is a
    /// name without a value.
    static func headerParameters(_ header: String) -> [(name: String, value: String?)] {
        var items: [(name: String, value: String?)] = []
        var current = ""
        var quoted = false
        var escaped = false
        func finish() {
            if let equals = current.firstIndex(of: "=") {
                items.append((String(current[..<equals]), String(current[current.index(after: equals)...])))
            } else if !current.isEmpty {
                items.append((current, nil))
            }
            current = ""
        }
        for character in header {
            switch (quoted, escaped, character) {
            case (true, true, _):
                current.append(character)
                escaped = false
            case (true, false, "\\"): escaped = true
            case (true, false, "\""), (false, _, "\""): quoted.toggle()
            case (true, false, _): current.append(character)
            case (false, _, ";"): finish()
            case (false, _, _) where character.isWhitespace: continue
            default: current.append(character)
            }
        }
        finish()
        return items
    }

    /// A part's field name and file name from its `Content-Disposition` (`filename*=UTF-8''…` preferred, RFC 7578
    /// and 5987).
    static func disposition(_ header: String) -> (name: String?, filename: String?) {
        let parameters = headerParameters(header)
        func value(_ key: String) -> String? {
            parameters.first(where: { $0.name.lowercased() == key })?.value
        }
        var filename = value("filename")
        if let extended = value("filename*"), let quote = extended.range(of: "''") {
            filename = String(extended[quote.upperBound...]).removingPercentEncoding ?? filename
        }
        return (value("name"), filename)
    }
}

/// Collects the parser's callbacks: text fields kept (within the allowance), the file's bytes handed on in `pending`
/// after each chunk. A refusal found in a callback (which cannot throw) waits in `refusal`.
private final class PartCollector {
    let fileField: String
    private(set) var fields: [String: String] = [:]
    private(set) var refusal: MultipartRefusal?
    private(set) var pending = ByteBuffer()
    private(set) var fileSeen = false
    private(set) var filename: String?
    private(set) var fileBytes: Int64 = 0
    private(set) var completed = 0
    private(set) var inPart = false
    private var fieldBytes = 0
    private var name: String?
    private var isFile = false
    private var value: [UInt8] = []

    init(fileField: String) { self.fileField = fileField }

    func header(_ header: String, _ headerValue: String) {
        inPart = true
        guard header.lowercased() == "content-disposition" else { return }
        let (name, filename) = MultipartUpload.disposition(headerValue)
        self.name = name
        guard name == fileField || filename != nil else { return }
        guard name == fileField, !fileSeen else {
            refusal = refusal ?? .unexpectedFile(field: name ?? "")
            return
        }
        isFile = true
        fileSeen = true
        self.filename = filename
    }

    func body(_ bytes: inout ByteBuffer) {
        inPart = true
        if isFile {
            fileBytes += Int64(bytes.readableBytes)
            pending.writeBuffer(&bytes)
            return
        }
        fieldBytes += bytes.readableBytes
        guard fieldBytes <= MultipartUpload.allowanceBytes else {
            refusal = refusal ?? .fieldsTooLarge
            return
        }
        value += bytes.readableBytesView
    }

    func complete() {
        if !isFile, let name {
            guard let text = String(validating: value, as: UTF8.self) else {
                refusal = refusal ?? .malformed
                return
            }
            fields[name] = text
        }
        completed += 1
        inPart = false
        name = nil
        isFile = false
        value = []
    }

    /// The file's bytes received since the last call, for the writer.
    func takePending() -> ByteBuffer {
        defer { pending = ByteBuffer() }
        return pending
    }
}
