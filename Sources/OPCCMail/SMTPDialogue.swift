import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// One connection to the relay: commands out, replies in, each reply awaited for at most `replyTimeout` (past it the
/// connection is closed and the failure is `timeout`). Used by one task at a time, inside `NIOAsyncChannel`'s scope.
struct SMTPDialogue {
    let channel: any Channel
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let replyTimeout: TimeAmount
    private var reader = SMTPReplyReader()
    private let timedOut = Flag()

    init(
        channel: any Channel, inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, replyTimeout: TimeAmount
    ) {
        self.channel = channel
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.replyTimeout = replyTimeout
    }

    /// The next reply, read within the time allowed.
    mutating func reply() async throws(SMTPFailure) -> SMTPReply {
        while true {
            if let reply = try reader.nextReply() { return reply }
            let channel = self.channel
            let timedOut = self.timedOut
            let deadline = channel.eventLoop.scheduleTask(in: replyTimeout) {
                timedOut.raise()
                channel.close(promise: nil)
            }
            defer { deadline.cancel() }
            let bytes: ByteBuffer?
            do {
                bytes = try await inbound.next()
            } catch {
                throw Self.failure(error, timedOut: timedOut.isRaised)
            }
            guard let bytes else { throw timedOut.isRaised ? SMTPFailure.timeout : SMTPFailure.connection }
            reader.feed(bytes.readableBytesView)
        }
    }

    /// Sends one command line and reads its reply.
    mutating func command(_ line: String) async throws(SMTPFailure) -> SMTPReply {
        try await write(line + "\r\n")
        return try await reply()
    }

    func write(_ text: String) async throws(SMTPFailure) {
        do {
            try await outbound.write(ByteBuffer(string: text))
        } catch {
            throw Self.failure(error, timedOut: timedOut.isRaised)
        }
    }

    /// Puts TLS under the conversation after the relay's `220` to STARTTLS, and waits for the handshake (and so the
    /// certificate's verification) to finish before another byte is written.
    mutating func startTLS(context: NIOSSLContext, serverHostname: String?) async throws(SMTPFailure) {
        guard reader.isEmpty else { throw .protocolViolation }
        let channel = self.channel
        do {
            let handshake = try await channel.eventLoop.submit {
                try Self.addTLS(to: channel, context: context, serverHostname: serverHostname, position: .first)
            }.get()
            try await handshake.get()
        } catch {
            throw Self.failure(error, timedOut: timedOut.isRaised)
        }
    }

    /// Adds the TLS handler (at the front of the pipeline) and a watcher of its handshake; on the event loop.
    static func addTLS(
        to channel: any Channel, context: NIOSSLContext, serverHostname: String?,
        position: ChannelPipeline.SynchronousOperations.Position
    ) throws -> EventLoopFuture<Void> {
        let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
        let watcher = HandshakeWatcher(promise: channel.eventLoop.makePromise())
        try channel.pipeline.syncOperations.addHandler(tls, position: position)
        try channel.pipeline.syncOperations.addHandler(watcher, position: .after(tls))
        return watcher.promise.futureResult
    }

    static func failure(_ error: any Error, timedOut: Bool) -> SMTPFailure {
        if timedOut { return .timeout }
        if let failure = error as? SMTPFailure { return failure }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError { return .tls }
        return .connection
    }

    /// Set once, from the event loop, when a reply's deadline passed.
    final class Flag: Sendable {
        private let raised = Atomic<Bool>(false)
        func raise() { raised.store(true, ordering: .relaxed) }
        var isRaised: Bool { raised.load(ordering: .relaxed) }
    }
}

/// Completes its promise when the TLS handshake does: with success on `handshakeCompleted`, with the error when the
/// handshake fails (the certificate could not be verified) or the connection closes first.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { promise.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(SMTPFailure.connection)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(SMTPFailure.connection)
    }
}
