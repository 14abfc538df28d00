import Crypto
import Foundation

/// Where documents' bytes live, by the SHA-256 of their content: a narrow protocol with two implementations, a folder
/// beside a SQLite file (`FolderDocumentFiles`) and the database itself (`DatabaseDocumentFiles`, for PostgreSQL, so
/// every web node serves every file). Content-addressed: a put that never reached its metadata row leaves an orphan
/// that harms nothing, and putting the same bytes twice stores them once.
public protocol DocumentFiles: Sendable {
    /// Stores the bytes of `file` under `sha256`, reading it in chunks and hashing while copying; refused
    /// (`DocumentFilesError.changedWhileCopying`) when what was read does not hash to `sha256`.
    func put(sha256: String, sizeBytes: Int64, contentsOf file: URL) async throws
    /// Visits the stored bytes in order, a chunk at a time; false when nothing is stored under `sha256`.
    func read(sha256: String, _ chunk: @Sendable (Data) throws -> Void) async throws -> Bool
    func exists(sha256: String) async throws -> Bool
    /// Removes the bytes (nothing when there are none).
    func purge(sha256: String) async throws
    /// Where the files are, for messages and the README's backups: a folder's path, or "the database".
    var location: String { get }
}

/// A document's bytes could not be stored as they were.
public enum DocumentFilesError: Error, Hashable, Sendable, CustomStringConvertible {
    case changedWhileCopying(path: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .changedWhileCopying(let path):
            return "the file \(path) changed while it was being stored, so nothing was attached: try again"
        case .cannotWrite(let path, let reason):
            return "the document could not be stored in \(path) (\(reason)), so nothing was attached"
        }
    }
}

extension DocumentFiles {
    /// The SHA-256 and size of what is stored under `sha256` now (nil when nothing is): what `audit verify` checks.
    public func storedDigest(sha256: String) async throws -> (sha256: String, sizeBytes: Int64)? {
        let hasher = ChunkHasher()
        guard try await read(sha256: sha256, { hasher.add($0) }) else { return nil }
        return hasher.finish()
    }
}

/// A SHA-256 fed a chunk at a time, shared with a `@Sendable` visitor that runs on one thread at a time.
final class ChunkHasher: @unchecked Sendable {
    private var hasher = SHA256()
    private var size: Int64 = 0

    func add(_ data: Data) {
        hasher.update(data: data)
        size += Int64(data.count)
    }

    func finish() -> (sha256: String, sizeBytes: Int64) {
        (hasher.finalize().map { String(format: "%02x", $0) }.joined(), size)
    }
}

/// Runs blocking file I/O on a thread of its own, never on Swift's cooperative pool.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}

/// The chunk size both implementations read and write in.
let documentChunkBytes = 1 << 20

/// Documents as files in a folder: `DIR/ab/cd/abcd…` by SHA-256. A put writes to a temporary file in `DIR/tmp`,
/// hashing while copying, forces it to disk, then renames it into place, so a file is either whole or absent.
public struct FolderDocumentFiles: DocumentFiles {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public var location: String { directory.path }

    /// The file that holds the bytes with this SHA-256.
    public func path(of sha256: String) -> URL {
        directory.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(sha256.dropFirst(2).prefix(2)), isDirectory: true)
            .appendingPathComponent(sha256)
    }

    public func put(sha256: String, sizeBytes: Int64, contentsOf file: URL) async throws {
        let target = path(of: sha256)
        let folder = directory
        try await onOwnThread {
            if FileManager.default.fileExists(atPath: target.path) { return }
            let temporary = folder.appendingPathComponent("tmp", isDirectory: true)
            do {
                try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw DocumentFilesError.cannotWrite(path: folder.path, reason: "the folder cannot be made")
            }
            let part = temporary.appendingPathComponent(UUID().uuidString)
            guard FileManager.default.createFile(atPath: part.path, contents: nil) else {
                throw DocumentFilesError.cannotWrite(path: folder.path, reason: "a file cannot be made there")
            }
            defer { try? FileManager.default.removeItem(at: part) }
            let digest = try Self.copy(file, to: part)
            guard digest.sha256 == sha256, digest.sizeBytes == sizeBytes else {
                throw DocumentFilesError.changedWhileCopying(path: file.path)
            }
            guard rename(part.path, target.path) == 0 else {
                throw DocumentFilesError.cannotWrite(path: folder.path, reason: "the file cannot be moved in place")
            }
        }
    }

    /// Copies a chunk at a time, hashing as it goes, then fsyncs the copy.
    private static func copy(_ source: URL, to target: URL) throws -> (sha256: String, sizeBytes: Int64) {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let output = try FileHandle(forWritingTo: target)
        defer { try? output.close() }
        let hasher = ChunkHasher()
        while let data = try input.read(upToCount: documentChunkBytes), !data.isEmpty {
            hasher.add(data)
            try output.write(contentsOf: data)
        }
        try output.synchronize()
        return hasher.finish()
    }

    public func read(sha256: String, _ chunk: @Sendable (Data) throws -> Void) async throws -> Bool {
        let source = path(of: sha256)
        // Each chunk is read on a thread of its own and handed to `chunk` here, so `chunk` never leaves this call.
        guard let input = try await onOwnThread({ try? UncheckedBox(FileHandle(forReadingFrom: source)) }) else {
            return false
        }
        defer { try? input.value.close() }
        while let data = try await onOwnThread({ try input.value.read(upToCount: documentChunkBytes) }),
            !data.isEmpty
        {
            try chunk(data)
        }
        return true
    }

    public func exists(sha256: String) async throws -> Bool {
        FileManager.default.fileExists(atPath: path(of: sha256).path)
    }

    public func purge(sha256: String) async throws {
        let target = path(of: sha256)
        try await onOwnThread {
            if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        }
    }
}

/// A file handle carried to the thread that reads it while the caller awaits (one thread uses it at a time).
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Documents in the database's `document_blob` tables, in 1 MiB chunks: one write transaction stores every chunk
/// of a file or none; reads take a chunk per read transaction, so a large file is never held whole in memory.
public struct DatabaseDocumentFiles: DocumentFiles {
    public let store: any CommissioningStore

    public init(store: any CommissioningStore) { self.store = store }

    public var location: String { "the database" }

    public func put(sha256: String, sizeBytes: Int64, contentsOf file: URL) async throws {
        let chunks = Int((sizeBytes + Int64(documentChunkBytes) - 1) / Int64(documentChunkBytes))
        try await store.write { tx in
            if try tx.documentBlob(sha256: sha256) != nil { return }
            try tx.insertDocumentBlob(sha256: sha256, sizeBytes: sizeBytes, chunkCount: max(chunks, 1))
            let input = try FileHandle(forReadingFrom: file)
            defer { try? input.close() }
            let hasher = ChunkHasher()
            var n = 0
            while let data = try input.read(upToCount: documentChunkBytes), !data.isEmpty {
                hasher.add(data)
                try tx.insertDocumentChunk(sha256: sha256, n: n, data: data)
                n += 1
            }
            let digest = hasher.finish()
            guard digest.sha256 == sha256, digest.sizeBytes == sizeBytes, n == chunks else {
                throw DocumentFilesError.changedWhileCopying(path: file.path)
            }
        }
    }

    public func read(sha256: String, _ chunk: @Sendable (Data) throws -> Void) async throws -> Bool {
        guard let blob = try await store.read({ try $0.documentBlob(sha256: sha256) }) else { return false }
        for n in 0..<blob.chunkCount {
            // A chunk missing from the table reads as the end of the bytes: their hash then shows the loss.
            guard let data = try await store.read({ try $0.documentChunk(sha256: sha256, n: n) }) else { break }
            try chunk(data)
        }
        return true
    }

    public func exists(sha256: String) async throws -> Bool {
        try await store.read { try $0.documentBlob(sha256: sha256) != nil }
    }

    public func purge(sha256: String) async throws {
        try await store.write { try $0.deleteDocumentBlob(sha256: sha256) }
    }
}
