import Mustache
import PropertyBased
import Testing

@testable import OPCCWeb

/// The page frame answers Mustache's lookups itself (`MustacheParent`, to spare reflecting it for every name): every
/// field it has is answered by its name, as reflection would, so a field added without its name would fail here.
@Suite("The page frame's lookups")
struct LayoutLookupTests {
    @Test func everyFieldOfTheFrameIsFoundByItsNameAsReflectionWouldFindIt() throws {
        let frame = Pages.Layout(
            title: "Register", body: "<p>x</p>", csrf: "token", user: true, staff: true,
            partner: [PartnerMenu.Link(href: "/applications", text: "Your applications")], name: "A. Officer",
            back: "/decisions", unread: "3")
        let fields = Mirror(reflecting: frame).children
        #expect(fields.count == 9)
        for field in fields {
            let label = try #require(field.label)
            let found = frame.child(named: label)
            #expect(found != nil, "\(label) is not answered by name")
            #expect(String(describing: found) == String(describing: unwrapped(field.value)), "\(label)")
        }
        #expect(frame.child(named: "nothing") == nil)
    }

    @Test func theHeaderBadgeIsBlankWithNoneExactToNinetyNineAndNinetyNinePlusPast() {
        #expect([-1, 0, 1, 99, 100, 5_000].map(Pages.badge) == [nil, nil, "1", "99", "99+", "99+"])
    }

    /// A reflected value as Mustache takes it: an optional's content, or nil.
    private func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}

/// A state's label is written on its bytes when it is ASCII; it is the same text the long way gives, for any text.
@Suite("Web: status labels")
struct StatusLabelTests {
    @Test func aStatusLabelIsTheLongWaysForAnyText() async {
        await propertyCheck(count: 1_000, input: HostileText.text) { text in
            #expect(statusLabel(text) == statusLabelOfAnyText(text))
        }
        for state in ["publication-deferred", "approved", "-x-y", "", "a", "Z-", "draft--x"] {
            #expect(statusLabel(state) == statusLabelOfAnyText(state))
        }
        #expect(statusLabel("publication-deferred") == "Publication deferred")
    }
}
