// Accounts by mail: the "forgot your password?" form and the pages a one-time link opens. Public pages.

extension Templates {
    static let account: [String: String] = [
        "forgot-password": forgotPassword, "reset-requested": resetRequested, "account-link": accountLink,
        "account-link-done": accountLinkDone,
    ]

    static let forgotPassword = """
        {{> error-summary}}
        <a href="/sign-in" class="back-link">Sign in</a>
        <h1>Forgot your password?</h1>
        <p class="lead">Enter your sign-in name or your email address. If we know it, we will email you a link to
        choose a new password. The link works once, for an hour.</p>
        <form method="post" action="/sign-in/forgot" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <div class="field"><label for="username">Sign-in name or email address</label>
            <input id="username" name="username" autocomplete="username" spellcheck="false" value="{{username}}"></div>
          <button type="submit" class="button">Send me a link</button>
        </form>
        """

    static let resetRequested = """
        <h1>Check your email</h1>
        <p class="lead">If we know that name, a link is on its way to the email address we hold for it.</p>
        <p>The link works once, for an hour. If nothing arrives, check the name you typed and
        <a href="/sign-in/forgot">ask again</a>, or ask your office's chief executive.</p>
        <p><a href="/sign-in">Sign in</a></p>
        """

    static let accountLink = """
        {{> error-summary}}
        <h1>{{heading}}</h1>
        <p class="lead">{{intro}}</p>
        <form method="post" action="{{action}}" novalidate>
          <input type="hidden" name="username" value="{{person}}" autocomplete="username">
          <div class="field"><label for="password">{{label}}</label>
            <p class="hint" id="password-hint">{{rules}}</p>
            <input id="password" name="password" type="password" autocomplete="new-password"
              aria-describedby="password-hint"></div>
          <div class="field"><label for="confirm">Type it again</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password"></div>
          <button type="submit" class="button">{{button}}</button>
        </form>
        """

    static let accountLinkDone = """
        <h1>{{heading}}</h1>
        <p class="lead">{{message}}</p>
        <p><a href="/sign-in" class="button">Sign in</a></p>
        """
}
