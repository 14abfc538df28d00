import Foundation
import Hummingbird
import Logging
import OPCCServices
import ServiceLifecycle
import Synchronization

/// How a server delivers the outbox: the relay (`MailTransport`, the SMTP client `opcc serve --smtp-url` builds), the
/// worker's settings and this process's name in the leases. Without one (`WebConfiguration.delivery` nil) nothing is
/// sent: the mail stays in the outbox (the demo shows it at /demo/outbox).
public struct MailDelivery: Sendable {
    public var transport: any MailTransport
    public var settings: Commissioning.DeliverySettings
    /// Unique to this process (host, pid and a random part): each node claims rows under its own name.
    public var node: String
    /// How long the worker waits between rounds when nothing wakes it earlier (an act on this node does).
    public var interval: Duration
    /// At most this many notifications per round (rounds follow one another while they come back full).
    public var batch: Int

    public init(
        transport: any MailTransport, settings: Commissioning.DeliverySettings, node: String = MailDelivery.nodeName(),
        interval: Duration = .seconds(5), batch: Int = 100
    ) {
        self.transport = transport
        self.settings = settings
        self.node = node
        self.interval = interval
        self.batch = max(1, batch)
    }

    /// A name for this process's leases: `host:pid:random`.
    public static func nodeName() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(60)
        return "\(host):\(ProcessInfo.processInfo.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// A signal from a request that wrote (an act, a form, an API call) to the delivery worker: look at the outbox now
/// rather than at the end of the interval. Several signals before the worker looks count as one.
final class DeliveryWakeUp: Sendable {
    private let pending = Mutex(false)

    func signal() { pending.withLock { $0 = true } }

    /// Whether a signal came since the last call (and clears it).
    func take() -> Bool {
        pending.withLock { flag in
            defer { flag = false }; return flag
        }
    }
}

/// Wakes the delivery worker after a request that may have written: any successful POST, PUT or DELETE.
struct DeliveryWakeMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let wakeUp: DeliveryWakeUp

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        if request.method != .get && request.method != .head && response.status.code < 400 { wakeUp.signal() }
        return response
    }
}

/// The delivery worker of `opcc serve --smtp-url`: a round every `interval`, or soon after a request that wrote;
/// rounds follow one another while they come back full. Each round is `Commissioning.deliverNotifications`: claim
/// (a lease per node, `SKIP LOCKED` on PostgreSQL), send outside any transaction, record. On graceful shutdown the
/// round in flight is finished, so no row is left claimed (which would only delay it until its lease ran out).
struct DeliveryWorker: Service {
    let app: Commissioning
    let delivery: MailDelivery
    let wakeUp: DeliveryWakeUp
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await deliverWhatIsDue()
                await wait()
            }
        }
    }

    /// Rounds until one comes back less than full (at most 50 in a row, so a long outbox does not starve the wait).
    func deliverWhatIsDue() async {
        for _ in 0..<50 {
            // In its own task, so a shutdown arriving mid-round lets the round finish and record what it sent.
            let round = Task { [app, delivery] in
                try await app.deliverNotifications(
                    transport: delivery.transport, node: delivery.node, settings: delivery.settings, now: Date(),
                    limit: delivery.batch)
            }
            do {
                let report = try await round.value
                if report.claimed > 0 {
                    logger.info(
                        "notifications delivered",
                        metadata: [
                            "claimed": .stringConvertible(report.claimed), "sent": .stringConvertible(report.sent),
                            "retried": .stringConvertible(report.retried),
                            "failed": .stringConvertible(report.failed),
                        ])
                }
                guard report.claimed >= delivery.batch, !Task.isCancelled else { return }
            } catch {
                logger.error("notification delivery failed", metadata: ["error": .string(loggedError(error))])
                return
            }
        }
    }

    /// Until the interval has passed or a request wakes the worker (checked four times a second), or cancellation.
    func wait() async {
        let deadline = ContinuousClock.now + delivery.interval
        while ContinuousClock.now < deadline {
            if wakeUp.take() {
                // Let the request's own transaction settle and a burst of acts gather into one round.
                try? await Task.sleep(for: .milliseconds(200))
                return
            }
            do { try await Task.sleep(for: .milliseconds(250)) } catch { return }
        }
    }
}
