import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The notification pages: each person's own list (paged, newest first) with marking read, their email preference,
/// the office's failed notifications with resend for its chief executive, and in the demo without a relay the
/// outbox as it would have been sent. Every rule is the services'; the pages only translate.
extension Web {
    static let notificationsPerPage = 20

    func addNotificationRoutes(to router: RouterGroup<WebContext>) {
        router.get("/notifications") { request, context -> Response in
            try await notificationList(request, user: try context.signedIn(), context: context)
        }
        router.post("/notifications/read") { request, context -> Response in
            _ = try await form(request, context)
            let marked = try await Self.markEveryNotificationRead(of: try context.signedIn(), app: app)
            return .redirect(to: "/notifications?marked=\(marked)", type: .normal)
        }
        router.post("/notifications/:id/read") { request, context -> Response in
            let form = try await form(request, context)
            let id = try notificationID(context)
            try await app.markNotificationRead(id, by: try context.signedIn())
            let page = Int(form["page"] ?? "").map { max(1, min($0, 1_000_000)) } ?? 1
            return .redirect(to: "/notifications?page=\(page)&marked=1", type: .normal)
        }
        router.get("/notifications/preferences") { request, context -> Response in
            let user = try context.signedIn()
            let saved = request.uri.queryParameters["saved"] == "1"
            return try await preferencePage(
                user: user, chosen: try await app.notificationPreference(of: user).rawValue, saved: saved,
                context: context)
        }
        router.post("/notifications/preferences") { request, context -> Response in
            try await choosePreference(request, context: context)
        }
        router.get("/notifications/failed") { request, context -> Response in
            try await failedPage(request, user: try context.signedIn(), context: context)
        }
        router.post("/notifications/:id/resend") { request, context -> Response in
            _ = try await form(request, context)
            let id = try notificationID(context)
            try await app.resendNotification(id, by: try context.signedIn())
            return .redirect(to: "/notifications/failed?resent=\(id)", type: .normal)
        }
        router.get("/demo/outbox") { _, context -> Response in
            guard demoOutbox else { throw HTTPError(.notFound) }
            return try await outboxPage(user: try context.signedIn(), context: context)
        }
    }

    /// The path's notification id: a positive number, or the page is not found.
    func notificationID(_ context: WebContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw HTTPError(.notFound, message: "There is no such notification.")
        }
        return id
    }

    /// The home page's part: the five newest and the unread count.
    func homeNotifications(of user: String) async throws -> HomeNotifications {
        let page = try await app.notifications(of: user, offset: 0, limit: 5)
        return HomeNotifications(
            unread: page.unread > 0 ? String(page.unread) : "", latest: page.notifications.map(NotificationItem.init))
    }

    func notificationList(_ request: Request, user: String, context: WebContext) async throws -> Response {
        let (rows, unread) = try await Self.everyNotification(of: user, app: app)
        let per = Self.notificationsPerPage
        let pages = max(1, (rows.count + per - 1) / per)
        let asked = request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1
        let page = min(max(1, asked), pages)
        let shown = rows.dropFirst((page - 1) * per).prefix(per)
        let marked = request.uri.queryParameters["marked"].flatMap { Int($0) }
        var model = NotificationListPage(
            navigation: try await navigation(user, current: "list"),
            unreadText: unread == 1 ? "1 unread notification." : "\(unread) unread notifications.",
            address: try await app.email(of: user) ?? "", rows: shown.map(NotificationItem.init),
            unreadRows: rows.contains { $0.readAtMs == nil } ? [true] : [])
        for index in model.rows.indices { model.rows[index].page = String(page) }
        if let marked, marked >= 0 {
            model.notice = marked == 1 ? "Marked as read." : "\(marked) notifications marked as read."
        }
        if pages > 1 {
            model.paging = .init(
                page: String(page), pages: String(pages),
                previous: page > 1 ? "/notifications?page=\(page - 1)" : nil,
                next: page < pages ? "/notifications?page=\(page + 1)" : nil)
        }
        return try self.pages.page(
            "notifications", title: "Your notifications", model: model, context: context, back: "/home")
    }

    func preferencePage(
        user: String, chosen: String, saved: Bool = false, errors: [FieldError] = [], context: WebContext,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let labels = [
            NotificationPreference.immediate: "Immediately: one email for each notification",
            .dailyDigest: "Once a day: one email at 07:00 with the day's notifications",
        ]
        let model = PreferencePage(
            navigation: try await navigation(user, current: "preferences"),
            choices: NotificationPreference.allCases.map {
                Choice(value: $0.rawValue, label: labels[$0] ?? $0.rawValue, selected: $0.rawValue == chosen)
            },
            notice: saved ? "Your email preference is saved." : nil, errors: errors, fe: fieldErrors(errors))
        return try pages.page(
            "notification-preferences", title: errors.isEmpty ? "Email preference" : "Error: Email preference",
            model: model, context: context, back: "/notifications", status: status)
    }

    func choosePreference(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await form(request, context)
        let user = try context.signedIn()
        guard let chosen = form["preference"].flatMap(NotificationPreference.init(rawValue:)) else {
            let current = try await app.notificationPreference(of: user).rawValue
            return try await preferencePage(
                user: user, chosen: current,
                errors: [FieldError(field: "preference", message: "choose immediately or once a day")],
                context: context, status: .unprocessableContent)
        }
        try await app.setNotificationPreference(chosen, of: user, by: user)
        return .redirect(to: "/notifications/preferences?saved=1", type: .normal)
    }

    func failedPage(_ request: Request, user: String, context: WebContext) async throws -> Response {
        guard let person = try await app.person(named: user) else { return .redirect(to: "/sign-in", type: .found) }
        let rows = try await app.failedNotifications(office: person.office, as: user)
        let resent = request.uri.queryParameters["resent"].flatMap { Int64($0) }
        let model = FailedNotificationsPage(
            navigation: try await navigation(user, current: "failed"), office: person.office,
            rows: rows.map(FailedNotificationsPage.Row.init),
            notice: resent.map { "Notification \($0) is back in the outbox: it will be sent again shortly." })
        return try pages.page(
            "notifications-failed", title: "Failed notifications", model: model, context: context,
            back: "/notifications")
    }

    func outboxPage(user: String, context: WebContext) async throws -> Response {
        let administrator = try await isChiefExecutive(user)
        let entries = try await app.outbox(as: user, publicURL: publicURL)
        let office = try await app.person(named: user)?.office ?? ""
        let model = OutboxPage(
            navigation: try await navigation(user, current: "outbox"),
            scope: administrator
                ? "As the chief executive you see every notification of \(office)."
                : "You see the notifications that would have been sent to you.",
            entries: entries.map { OutboxPage.Entry($0, viewer: user) })
        return try pages.page("demo-outbox", title: "Demo outbox", model: model, context: context, back: "/home")
    }

    func isChiefExecutive(_ user: String) async throws -> Bool {
        try await app.person(named: user)?.actor.roles(covering: nil).contains(.chiefExecutive) ?? false
    }

    func navigation(_ user: String, current: String) async throws -> NotificationNavigation {
        NotificationNavigation(
            administrator: try await isChiefExecutive(user), demo: demoOutbox, navList: current == "list",
            navPreferences: current == "preferences", navFailed: current == "failed", navOutbox: current == "outbox")
    }
}
