// The notification pages: a person's list with marking read, their mail preference, the office's failed ones for
// its chief executive, and the demo's outbox.

extension Templates {
    static let notifications: [String: String] = [
        "notifications": notificationList, "notification-preferences": notificationPreferences,
        "notifications-failed": failedNotifications, "demo-outbox": demoOutbox,
    ]

    static let notificationNav = """
        {{#navigation}}<nav class="sub-nav" aria-label="Notifications"><ul>
          <li><a href="/notifications"{{#navList}} aria-current="page"{{/navList}}>Your notifications</a></li>
          <li><a href="/notifications/preferences"{{#navPreferences}} aria-current="page"{{/navPreferences}}>Email preference</a></li>
          {{#administrator}}<li><a href="/notifications/failed"{{#navFailed}} aria-current="page"{{/navFailed}}>Failed notifications</a></li>{{/administrator}}
          {{#demo}}<li><a href="/demo/outbox"{{#navOutbox}} aria-current="page"{{/navOutbox}}>Demo outbox</a></li>{{/demo}}
        </ul></nav>{{/navigation}}
        """

    static let notificationList = """
        <h1>Your notifications</h1>
        \(notificationNav)
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        <p class="lead">{{unreadText}}</p>
        <p class="hint">What the office's rules tell you of, newest first. Each is also sent to your email address
        ({{address}}{{^address}}none set: ask your chief executive{{/address}}).</p>
        {{#first(unreadRows)}}
        <form method="post" action="/notifications/read">
          <input type="hidden" name="csrf" value="{{csrf}}">
          <p class="hint">Marks every notification on every page read. Nothing else changes.</p>
          <button type="submit" class="button secondary">Mark all as read</button>
        </form>
        {{/first(unreadRows)}}
        {{#rows}}
        <div class="notification{{^read}} unread{{/read}}" id="notification-{{id}}">
          <h2 class="notification-title">{{^read}}<strong class="tag tag-overdue">Unread</strong> {{/read}}{{subject}}</h2>
          <p class="caption">{{created}}{{#statutory}} · statutory deadline{{/statutory}} · {{state}}</p>
          <p class="message">{{message}}</p>
          {{#link}}<p><a href="{{link}}">Open {{record}}</a></p>{{/link}}
          {{^read}}
          <form method="post" action="/notifications/{{id}}/read">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="page" value="{{page}}">
            <button type="submit" class="button secondary">Mark as read</button>
          </form>
          {{/read}}
        </div>
        {{/rows}}
        {{^rows}}<p>You have no notifications.</p>{{/rows}}
        {{#paging}}<nav class="sub-nav" aria-label="Pages"><ul>
          {{#previous}}<li><a href="{{previous}}">Newer</a></li>{{/previous}}
          <li>Page {{page}} of {{pages}}</li>
          {{#next}}<li><a href="{{next}}">Older</a></li>{{/next}}
        </ul></nav>{{/paging}}
        """

    static let notificationPreferences = """
        {{> error-summary}}
        <h1>Email preference</h1>
        \(notificationNav)
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        <form method="post" action="/notifications/preferences" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <fieldset class="field{{#fe.preference}} field-error{{/fe.preference}}" id="preference"
            aria-describedby="preference-hint{{#fe.preference}} preference-error{{/fe.preference}}">
            <legend>How should notifications reach you by email?</legend>
            <p class="hint" id="preference-hint">Statutory deadlines (Part 1 publication, overdue returns) are always
            sent at once, whatever you choose. Everything else follows your choice.</p>
            {{#fe.preference}}<p class="error-message" id="preference-error"><span class="visually-hidden">Error:</span> {{fe.preference}}</p>{{/fe.preference}}
            {{#choices}}
            <label for="preference-{{value}}"><input id="preference-{{value}}" type="radio" name="preference" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>
            {{/choices}}
          </fieldset>
          <button type="submit" class="button">Save preference</button>
        </form>
        """

    static let failedNotifications = """
        <h1>Failed notifications</h1>
        \(notificationNav)
        {{#notice}}<div class="notice" role="status">{{notice}}</div>{{/notice}}
        <p class="hint">Notifications of {{office}} that could not be delivered. Resending puts one back in the
        outbox with no attempts and the same Message-ID; it is recorded in the audit log. Set the person's address
        first if it failed as no-address. A one-time link (an invitation, a password reset) is not resent: issue a
        new one.</p>
        {{#first(rows)}}
        <div class="table-wrap"><table class="table small">
          <thead><tr><th scope="col">Id</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Why</th>
            <th scope="col">Attempts</th><th scope="col"></th></tr></thead>
          <tbody>
          {{#rows}}<tr><td>{{id}}</td><td>{{recipient}}</td><td>{{subject}}</td><td>{{reason}}</td><td>{{attempts}}</td>
            <td>{{#resendable}}<form method="post" action="/notifications/{{id}}/resend">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit" class="button secondary">Resend</button></form>{{/resendable}}</td></tr>{{/rows}}
          </tbody>
        </table></div>
        {{/first(rows)}}
        {{^rows}}<p>No notification has failed.</p>{{/rows}}
        """

    static let demoOutbox = """
        <h1>Demo outbox</h1>
        \(notificationNav)
        <p class="lead">This demo sends no mail: each notification stays in the outbox, shown here as it would have
        been sent. {{scope}}</p>
        {{#entries}}
        <div class="mail" id="mail-{{id}}">
          <dl class="summary-list">
            <div class="summary-row"><dt>To</dt><dd>{{recipient}} &lt;{{address}}&gt;</dd></div>
            <div class="summary-row"><dt>Subject</dt><dd>{{subject}}</dd></div>
            <div class="summary-row"><dt>Message-ID</dt><dd>{{messageID}}</dd></div>
            <div class="summary-row"><dt>State</dt><dd>{{state}}{{#statutory}} (statutory: sent at once){{/statutory}}</dd></div>
          </dl>
          <pre class="mail-text">{{text}}</pre>
        </div>
        {{/entries}}
        {{^entries}}<p>Nothing would have been sent to you yet. Submit a decision to see the sign-off requests.</p>{{/entries}}
        """

    static let notificationCSS = """
        .badge{display:inline-block;min-width:1.4em;padding:0 6px;border-radius:10px;background:#d4351c;color:#fff;font-size:16px;font-weight:700;text-align:center}
        .notification{border-left:5px solid #b1b4b6;padding:0 0 0 15px;margin-bottom:25px}.notification.unread{border-left-color:#1d70b8}
        .notification-title{font-size:21px;margin:0 0 5px}.notification .message{white-space:pre-wrap}
        .mail{border:1px solid #b1b4b6;padding:15px;margin-bottom:25px}
        .mail-text{white-space:pre-wrap;word-wrap:break-word;font-family:inherit;font-size:16px;margin:0}
        """
}
