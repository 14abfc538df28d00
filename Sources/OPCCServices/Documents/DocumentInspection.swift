import Crypto
import Foundation
import OPCCCore
import ZIPFoundation

/// A file read once, a chunk at a time, before anything is stored: its SHA-256 and size, and its type from its
/// content (a ZIP container looked inside). Refusals are `DocumentRefusal`s; nothing has been written.
struct DocumentInspection: Sendable {
    let sha256: String
    let sizeBytes: Int64
    let type: DocumentType
    let name: String

    /// Reads `file` on a thread of its own (never the cooperative pool).
    static func inspect(_ file: URL, name rawName: String, limitBytes: Int64) async throws -> DocumentInspection {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try inspectBlocking(file, name: rawName, limitBytes: limitBytes) })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private static func inspectBlocking(
        _ file: URL, name rawName: String, limitBytes: Int64
    ) throws
        -> DocumentInspection
    {
        let name = try DocumentRules.cleanName(rawName)
        let input = try FileHandle(forReadingFrom: file)
        defer { try? input.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        var head: [UInt8] = []
        var controlBytes = false
        while let data = try input.read(upToCount: 1 << 20), !data.isEmpty {
            size += Int64(data.count)
            if size > limitBytes {
                throw DocumentRefusal.tooLarge(sizeBytes: fileSize(file) ?? size, limitBytes: limitBytes)
            }
            hasher.update(data: data)
            if head.count < DocumentRules.headBytes { head += data.prefix(DocumentRules.headBytes - head.count) }
            if !controlBytes { controlBytes = data.contains { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains($0) } }
        }
        guard size > 0 else { throw DocumentRefusal.empty }
        let type: DocumentType
        switch DocumentRules.identify(head: head) {
        case .pdf: type = .pdf
        case .png: type = .png
        case .jpeg: type = .jpeg
        case .zip: type = try containerType(file)
        case .text where !controlBytes: type = DocumentRules.textType(name: name)
        case .markup: throw DocumentRefusal.markup
        case .text, .unknown: throw DocumentRefusal.unknownType
        }
        let sha = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return DocumentInspection(sha256: sha, sizeBytes: size, type: type, name: name)
    }

    private static func fileSize(_ file: URL) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
    }

    /// A Word, Excel or OpenDocument file, from the container's entries; macro-enabled ones are refused.
    private static func containerType(_ file: URL) throws -> DocumentType {
        let archive: Archive
        do { archive = try Archive(url: file, accessMode: .read) } catch { throw DocumentRefusal.unreadableArchive }
        let paths = archive.map(\.path)
        var mimetype: String?
        if let entry = archive["mimetype"], entry.uncompressedSize < 200 {
            mimetype = try text(of: entry, in: archive)
        }
        let type = try DocumentRules.containerType(paths: paths, mimetype: mimetype)
        if let entry = archive["[Content_Types].xml"], entry.uncompressedSize < 1_000_000 {
            try DocumentRules.checkContentTypes(try text(of: entry, in: archive))
        }
        return type
    }

    private static func text(of entry: Entry, in archive: Archive) throws -> String {
        var data = Data()
        do { _ = try archive.extract(entry) { data.append($0) } } catch {
            throw DocumentRefusal.unreadableArchive
        }
        return String(decoding: data, as: UTF8.self)
    }
}
