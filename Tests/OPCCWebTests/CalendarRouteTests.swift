import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Testing

@testable import OPCCWeb

@Suite("Web: the iCalendar feed addresses")
struct CalendarRouteTests {
    /// The address `opcc calendar feed create` prints is served as iCalendar until the feed is revoked; then, like
    /// any unknown secret, it is not found.
    @Test(arguments: TestEngine.all) func aPersonalFeedIsServedAtItsSecretAddressUntilRevoked(
        engine: TestEngine
    ) async throws {
        // Without the demo's returns, Barrow's quarterly returns are still to come in: its feed lists them.
        let commissioning = try await makeDemoApp(engine, returns: false)
        let token = try await commissioning.createCalendarFeed(for: "cumbria.barrow-board")
        let app = try await webApp(commissioning: commissioning)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let feed = try await browser.get("/calendar/\(token).ics")
            #expect(feed.status == .ok)
            #expect(feed.body.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(feed.body.contains("BEGIN:VEVENT"))
            #expect(feed.body.contains("return due: Barrow Borough Council"))
            #expect(!feed.body.contains(tripwire))
            try await commissioning.revokeCalendarFeed(of: "cumbria.barrow-board", by: "cumbria.barrow-board")
            #expect(try await browser.get("/calendar/\(token).ics").status == .notFound)
            let unknown = String(repeating: "0", count: 64)
            #expect(try await browser.get("/calendar/\(unknown).ics").status == .notFound)
            #expect(try await browser.get("/calendar/\(token)").status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all) func thePublicCalendarIsServedWithoutSignInAndWithoutPart2(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var browser = Browser(client)
            let feed = try await browser.get("/calendar/public.ics")
            #expect(feed.status == .ok)
            #expect(feed.body.contains("Published: 014/2016"))
            #expect(!feed.body.contains(tripwire))
        }
    }

    @Test func aFeedsSecretIsNeverLogged() {
        let secret = String(repeating: "a", count: 64)
        #expect(loggedPath("/calendar/\(secret).ics") == "/calendar/(secret)")
        #expect(loggedPath("/calendar/public.ics") == "/calendar/public.ics")
        #expect(loggedPath("/register") == "/register")
    }
}
