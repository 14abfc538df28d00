// The second factor: the code after the password, the set-up, the recovery codes and each person's own page.

extension Templates {
    static let secondFactor: [String: String] = [
        "sign-in-code": signInCode, "second-factor-set-up": secondFactorSetUp, "second-factor-codes": recoveryCodes,
        "second-factor": secondFactorStatus,
    ]

    static let signInCode = """
        {{> error-summary}}
        <h1>Enter your code</h1>
        <p class="lead">Your password is right. Now type the 6-digit code your authenticator app shows for this
        account. It changes every 30 seconds.</p>
        <form method="post" action="/sign-in/code" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <input type="hidden" name="challenge" value="{{challenge}}">
          <div class="field"><label for="code">Code</label>
            <p class="hint" id="code-hint">Lost your phone? Type one of your recovery codes here instead (each works
            once), then ask your office's chief executive to reset your second factor.</p>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" spellcheck="false"
              aria-describedby="code-hint" class="input-short"></div>
          <button type="submit" class="button">Continue</button>
        </form>
        <p>The code must be typed within 5 minutes of your password; after 5 wrong codes, sign in again.</p>
        """

    static let secondFactorSetUp = """
        {{> error-summary}}
        <h1>Set up a second factor</h1>
        {{#required}}<p class="lead">Your office asks everyone in your role to sign in with a code from an
        authenticator app as well as a password. Set it up now to continue.</p>{{/required}}
        {{^required}}<p class="lead">After your password, you will be asked for a code from an authenticator app on
        your phone (any app that follows RFC 6238, such as those from Google, Microsoft or 2FAS).</p>{{/required}}
        <ol class="steps">
          <li>In the app, add an account by typing this key (spaces do not matter):
            <p><code id="secret" class="secret">{{secret}}</code></p>
            or, on the phone itself, <a href="{{uri}}">open this link in the app</a>.</li>
          <li>Type the 6-digit code the app then shows.</li>
        </ol>
        <form method="post" action="{{action}}" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          {{#challenge}}<input type="hidden" name="challenge" value="{{challenge}}">{{/challenge}}
          <div class="field"><label for="code">Code from the app</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" spellcheck="false"
              class="input-short"></div>
          <button type="submit" class="button">Turn on the second factor</button>
        </form>
        """

    static let recoveryCodes = """
        <h1>Your recovery codes</h1>
        <p class="lead">Your second factor is on. Keep these codes somewhere safe, away from your phone: each one
        lets you sign in once if you lose it. They are shown only now; we keep only a fingerprint of each.</p>
        <ul class="list codes" id="recovery-codes">{{#codes}}<li><code>{{.}}</code></li>{{/codes}}</ul>
        <p><a href="/home" class="button">Continue</a></p>
        """

    static let secondFactorStatus = """
        {{> error-summary}}
        <h1>Second factor</h1>
        {{#enabled}}
        <p class="lead">On: you sign in with your password and a code from your authenticator app.
        {{left}} recovery code(s) left.</p>
        {{^required}}
        <form method="post" action="/account/second-factor/remove" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" class="button warning" id="remove">Turn off the second factor</button>
        </form>
        <p>Turning it off signs you out everywhere.</p>
        {{/required}}
        {{#required}}<p>Your office requires it for your role. If you lose your phone, use a recovery code and ask
        your office's chief executive to reset it.</p>{{/required}}
        {{/enabled}}
        {{^enabled}}
        <p class="lead">Off: you sign in with your password alone.{{#required}} Your office requires a second factor
        for your role: you will be asked to set one up at your next sign-in.{{/required}}</p>
        <form method="post" action="/account/second-factor/set-up" novalidate>
          <input type="hidden" name="csrf" value="{{csrf}}">
          <button type="submit" class="button">Set up a second factor</button>
        </form>
        {{/enabled}}
        """
}
