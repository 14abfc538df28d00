#!/usr/bin/env python3
"""The real-browser test: starts `opcc serve --demo --without-returns` on a free port and drives Debian's headless
chromium through selenium along two journeys, then audits the main pages with axe-core.

1. An officer raises a decision and attaches a business case (Part 1) and a confidential annex (Part 2, carrying a
   tripwire) in the browser; the officer and the chief executive sign it off; the chief executive refers it; the
   Commissioner approves it; the officer publishes it, and the public register shows it. The public downloads the
   business case and never meets the annex (the public pages, the exports, the feeds and the API, as the public and
   as finance, who does not read Part 2); the auditor, a Part 2 reader, downloads it and the read is in the audit log.
2. Barrow's project board submits a quarterly return with an unexplained underspend (refused, field by field), then
   explains it; an officer sends it back; the board resubmits; finance accepts it.
4. (after 3) A complete Cumbria-style decision with a Part 2 is raised through the form (every field the CLI takes)
   and published: its public notice shows every Part 1 section filled in and no Part 2 text; a Lancashire-style
   delegated decision (the Chief Executive within £50,000) is noted by the Commissioner and shows as delegated, with
   its noting, on the notice and the public register.
3. Finance is refused a budget cut below what is allocated and then sets a new strand's budget, reads a grant
   agreement, is refused Copeland's instalment before its return, previews a formula split; the ranked wards and a
   ward's chain are read and an officer runs the VLI scoring again; the priorities matrix is read, and the chief
   executive adopts the 2018/19 priorities (seed 001's assessment again, scored and selected before the server starts,
   with the CLI).

The server runs its mail worker (`--smtp-url`) against a real SMTP server on loopback (.ci/smtp-sink, aiosmtpd):
after journey 1 the sign-off requests (the officer, the chief executive), the referral (the chief executive as
delegate, the Commissioner) and the decision (the officer) must each have arrived once, at the demo's addresses, with
the record's link made from --public-url, and no message may carry the demo's Part 2 tripwire.

Screenshots go to --shots (default docs/screenshots). The accessibility report (axe-core from the PyPI package
axe-playwright-python, injected into each page) goes to --report; any serious or critical violation fails the run.

Usage: .ci/browser-test.py [--opcc .build/debug/opcc] [--shots DIR] [--report FILE]
"""

import argparse
import email
import email.policy
import json
import os
import pathlib
import socket
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parent.parent
PASSWORD = "demo-password"
# Carried by the Part 2 annex the officer attaches in journey 1: it must reach no public page, export, feed or API
# answer, nor a member of staff who does not read Part 2.
ANNEX_TRIPWIRE = "Annex tripwire 4417: householders named"
ANNEX_NAME = "confidential-annex.txt"
CASE_NAME = "business-case.pdf"
# Carried by the Part 2 content typed into the complete decision form (journey 4): never on the public notice.
FORM_TRIPWIRE = "Form tripwire 8861: households named"
# Every Part 1 section journey 4 fills in, by the form's field id, with text the public notice must show.
COMPLETE_FORM = {
    "title": "Browser complete form: VLI hub works in Mirehouse",
    "executiveSummary": "Hub works at Whitehaven police station for the Copeland VLI pilot, from the ASB strand.",
    "recommendation": "That the Commissioner approves £30,000 for the hub works.",
    "amount": "£30,000",
    "introductionAndBackground": "Introduction: Mirehouse has 5 SOAs over 200 on the VLI.",
    "issuesForConsideration": "Issues: partners will co-locate once the works are done.",
    "consultation": "Consulted: Copeland Borough Council, who agree.",
    "backgroundPapers": "Papers: business case, EIA and media strategy.",
    "proposedPressReleaseDate": "2026-11-30",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def axe_source():
    import axe_playwright_python

    return (pathlib.Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def run_axe(driver, source):
    """axe-core's violations on the page the browser shows now."""
    driver.execute_script(source)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations))"
        ".catch(e => done([{id: 'axe-error', impact: 'critical', description: String(e), nodes: []}]));"
    )


class Run:
    def __init__(self, base, shots, driver):
        self.base = base
        self.shots = shots
        self.driver = driver
        self.steps = 0
        self.user = None
        # axe results of the pages that came back from a refused form (422, error summary), audited where they
        # appear: they cannot be reached again by address.
        self.refusals = []
        # Journey 1's documents: (business case's path, annex's path, business case's bytes).
        self.documents = None

    def audit_refusal(self, what):
        """Audits the refused form's page the browser shows now (its status is checked to be 422)."""
        status = self.driver.execute_script(
            "const e = performance.getEntriesByType('navigation')[0]; return e ? e.responseStatus : null")
        self.expect(status == 422, f"{what}: the refused form came back with 422 (got {status})")
        self.refusals.append((what, self.user, self.driver.current_url, run_axe(self.driver, axe_source())))

    def go(self, path):
        self.driver.get(self.base + path)

    def shot(self, name):
        self.driver.save_screenshot(str(self.shots / f"{name}.png"))

    def shot_whole(self, name):
        """A screenshot of the whole page, not only the window: the window is made as tall as the page for it."""
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(size["width"], height + 150)
        self.shot(name)
        self.driver.set_window_size(size["width"], size["height"])

    def sign_in(self, name):
        self.user = name
        self.driver.delete_all_cookies()
        self.go("/sign-in")
        self.driver.find_element(By.ID, "username").send_keys(name)
        self.driver.find_element(By.ID, "password").send_keys(PASSWORD)
        self.press_css("main form button[type=submit]")
        self.expect("What needs you today" in self.driver.page_source, f"{name} signed in")

    def fill(self, field_id, text):
        element = self.driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(text)

    def click(self, element):
        """Clicks a button that submits a form and waits until the browser has loaded the page that answers it
        (a click returns before a POST and its redirect have finished, so reading the page at once races them)."""
        self.driver.execute_script("window.opccBeforeClick = true")
        element.click()

        def loaded(driver):
            try:
                return driver.execute_script(
                    "return window.opccBeforeClick === undefined && document.readyState === 'complete'")
            except WebDriverException:
                return False  # the old page is going away

        WebDriverWait(self.driver, 60).until(loaded)

    def press(self, form_id):
        self.click(self.driver.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type=submit]"))

    def press_css(self, selector):
        self.click(self.driver.find_element(By.CSS_SELECTOR, selector))

    def tag(self):
        return self.driver.find_element(By.CSS_SELECTOR, "main .tag").text

    def expect(self, condition, what):
        self.steps += 1
        if not condition:
            raise AssertionError(f"step {self.steps} failed: {what} (at {self.driver.current_url})")
        print(f"  ok {self.steps}: {what}")


def decision_journey(run):
    print("journey 1: an officer raises, the office signs off, the Commissioner decides, the officer publishes")
    run.sign_in("cumbria.officer")
    run.go("/decisions/new")
    run.fill("title", "Browser pilot: street lighting in Ormsgill")
    run.fill("executiveSummary", "Improved street lighting on two Ormsgill streets, from the SARA analysis.")
    run.fill("recommendation", "That the Commissioner approves £8,000 for the lighting.")
    run.fill("amount", "£8,000")
    run.shot("01-raise-a-decision")
    run.press_css("main form button[type=submit]")
    url = run.driver.current_url
    run.expect(run.tag() == "Draft", "the draft is saved")
    attach_documents(run)
    run.press("submit")
    run.expect(run.tag() == "Awaiting sign offs", "submitted and numbered")
    Select(run.driver.find_element(By.ID, "sign-position")).select_by_value("originating-officer")
    run.fill("sign-name", "Vivian Stafford")
    run.press("sign")
    run.sign_in("cumbria.chief-executive")
    run.driver.get(url)
    Select(run.driver.find_element(By.ID, "sign-position")).select_by_value("chief-executive")
    run.fill("sign-name", "Stuart Edwards")
    run.press("sign")
    run.shot("02-sign-off-chain")
    run.press("refer")
    run.expect(run.tag() == "With decision maker", "referred to the Commissioner")
    run.sign_in("cumbria.pcc")
    run.driver.get(url)
    run.press("decide")
    run.expect("There is a problem" in run.driver.page_source, "a decision without a declaration is refused")
    run.expect(
        run.driver.find_element(By.CSS_SELECTOR, ".error-summary a").get_attribute("href").endswith("#decide-interests"),
        "the error links to the declaration field",
    )
    run.shot("03-error-summary")
    run.audit_refusal("a decision without a declaration of interests")
    run.fill("decide-interests", "None.")
    run.press("decide")
    run.expect(run.tag() == "Approved", "approved")
    run.sign_in("cumbria.officer")
    run.driver.get(url)
    run.press("publish")
    run.expect(run.tag() == "Published", "published")
    run.shot("04-published-decision")
    run.driver.delete_all_cookies()
    run.go("/register")
    run.expect("Browser pilot: street lighting in Ormsgill" in run.driver.page_source, "on the public register")
    run.shot("05-public-register")
    return url


def complete_form_journey(run):
    """Journey 4: a complete Cumbria-style decision with a Part 2 raised through the form: its public notice shows every
    Part 1 section filled in and no Part 2; a Lancashire-style delegated decision shows as delegated, with its noting."""
    print("journey 4: the complete form, a Part 2 kept off the notice, and a delegated decision noted")
    run.sign_in("cumbria.officer")
    run.go("/decisions/new")
    for field, text in COMPLETE_FORM.items():
        run.fill(field, text)
    Select(run.driver.find_element(By.ID, "fundingSource")).select_by_value("ASB|2016/17")
    implications = [e.get_attribute("id") for e in run.driver.find_elements(By.CSS_SELECTOR, "textarea[id^='implications-']")]
    run.expect(len(implications) >= 7, f"the form has every implication section of the profile ({len(implications)})")
    for field in implications:
        run.fill(field, f"Considered: {field[len('implications-'):]} implications of the hub works.")
    for box in ("significantPublicInterest", "pressReleaseRequired", "part2Exists", "part2Complete"):
        run.driver.find_element(By.ID, box).click()
    Select(run.driver.find_element(By.ID, "strategyFormulated")).select_by_value("yes")
    Select(run.driver.find_element(By.ID, "strategyAttached")).select_by_value("yes")
    run.fill("part2Reason", "It names households.")
    run.fill("part2Content", FORM_TRIPWIRE)
    run.shot_whole("form-complete-decision")
    run.press_css("main form.decision-form button[type=submit]")
    url = run.driver.current_url
    run.expect("The draft is saved." in run.driver.page_source, "a banner confirms the saved draft")
    run.expect("within this office" in run.driver.page_source, "with the summary's word count against the limit")
    run.press("submit")
    run.expect(run.tag() == "Awaiting sign offs", "submitted and numbered")
    Select(run.driver.find_element(By.ID, "sign-position")).select_by_value("originating-officer")
    run.fill("sign-name", "Vivian Stafford")
    run.press("sign")
    run.sign_in("cumbria.chief-executive")
    run.driver.get(url)
    Select(run.driver.find_element(By.ID, "sign-position")).select_by_value("chief-executive")
    run.fill("sign-name", "Stuart Edwards")
    run.press("sign")
    run.press("refer")
    run.sign_in("cumbria.pcc")
    run.driver.get(url)
    run.fill("decide-interests", "None.")
    run.press("decide")
    run.expect(run.tag() == "Approved", "approved by the Commissioner")
    run.sign_in("cumbria.officer")
    run.driver.get(url)
    run.press("publish")
    run.expect(run.tag() == "Published", "published")
    run.driver.delete_all_cookies()
    run.driver.get(url.replace("/decisions/", "/register/"))
    notice = run.driver.page_source
    missing = [f for f, text in COMPLETE_FORM.items() if f != "amount" and text.replace("£", "&pound;") not in notice
               and text not in notice]
    run.expect(not missing, f"the public notice shows every Part 1 section filled in (missing: {missing})")
    run.expect(all(f"implications of the hub works" in notice for _ in implications)
               and notice.count("implications of the hub works") >= len(implications), "and every implication")
    run.expect("None recorded" not in notice, "no section of the notice is left 'None recorded'")
    run.expect(FORM_TRIPWIRE not in notice and "It names households" not in notice,
               "and no Part 2 text (Cumbria does not print Part 2's reason)")
    run.shot_whole("form-complete-public-notice")

    run.sign_in("lancs.officer")
    run.go("/decisions/new")
    run.fill("title", "Browser delegated: youth diversion in Burnley")
    run.fill("executiveSummary", "A year of youth diversion work in two Burnley wards.")
    run.fill("recommendation", "That the Chief Executive approves £40,000.")
    run.fill("amount", "£40,000")
    run.press_css("main form.decision-form button[type=submit]")
    lancs = run.driver.current_url
    run.press("submit")
    Select(run.driver.find_element(By.ID, "sign-position")).select_by_value("originating-officer")
    run.fill("sign-name", "A. Officer")
    run.press("sign")
    run.press("refer")
    run.sign_in("lancs.chief-executive")
    run.driver.get(lancs)
    run.fill("decide-interests", "None.")
    run.press("decide")
    run.expect("Delegated decision (Chief Executive)" in run.driver.page_source, "labelled as a delegated decision")
    run.sign_in("lancs.pcc")
    run.driver.get(lancs)
    run.expect("Not yet noted" in run.driver.page_source, "awaiting the Commissioner's noting")
    run.press("note")
    run.expect("noting of the delegated decision is recorded" in run.driver.page_source, "the noting is recorded")
    run.shot_whole("form-delegated-decision-noted")
    run.sign_in("lancs.officer")
    run.driver.get(lancs)
    run.press("publish")
    run.driver.delete_all_cookies()
    run.driver.get(lancs.replace("/decisions/", "/register/"))
    notice = run.driver.page_source
    run.expect("Delegated decision" in notice and "Chief Executive" in notice and "50,000" in notice,
               "the public notice shows it as delegated: who, under which delegation, within which limit")
    run.expect("Noted by the Commissioner" in notice and "Not yet noted" not in notice, "with its noting")
    run.go("/register")
    run.expect("Delegated: Chief Executive" in run.driver.page_source, "and the public register labels it")
    return url


def attach_documents(run):
    """The officer attaches the business case as Part 1 and the confidential annex as Part 2 (the form's default)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="opcc-browser-docs-"))
    case = folder / CASE_NAME
    case.write_bytes(b"%PDF-1.7\n% Business case: street lighting in Ormsgill, GBP 8,000\n%%EOF\n")
    annex = folder / ANNEX_NAME
    annex.write_text(f"Confidential annex to the lighting decision. {ANNEX_TRIPWIRE}\n")
    run.driver.find_element(By.ID, "documents-file").send_keys(str(case))
    Select(run.driver.find_element(By.ID, "documents-kind")).select_by_value("business-case")
    run.driver.find_element(By.ID, "documents-part-1").click()
    run.press("documents")
    run.expect(CASE_NAME in run.driver.page_source, "the business case is attached and listed")
    run.driver.find_element(By.ID, "documents-file").send_keys(str(annex))
    Select(run.driver.find_element(By.ID, "documents-kind")).select_by_value("background-paper")
    run.expect(run.driver.find_element(By.ID, "documents-part-2").is_selected(), "Part 2 is the form's default")
    run.press("documents")
    run.expect(ANNEX_NAME in run.driver.page_source, "the confidential annex is attached as Part 2 and listed")
    run.shot("01b-documents")
    links = {a.text.strip(): a.get_attribute("href")[len(run.base):]
             for a in run.driver.find_elements(By.CSS_SELECTOR, "a[href^='/documents/']")}
    run.expect(CASE_NAME in links and ANNEX_NAME in links, f"both documents have download links ({links})")
    run.documents = (links[CASE_NAME], links[ANNEX_NAME], case.read_bytes())


def forward_plan_setup(opcc, db):
    """Issue 28: Cumbria publishes a forward plan; one key decision is on it. Done on the served database (the demo
    server loads the shipped profiles when it starts)."""
    def cli(*args):
        return globals()["cli"](opcc, db, *args)

    # Issue 28: Cumbria publishes a forward plan; one key decision is on it.
    profile = pathlib.Path(db).with_name("cumbria-forward-plan.yaml")
    profile.write_text((ROOT / "fixtures/offices/cumbria.yaml").read_text()
                       + '\nforwardPlan:\n  keyDecisionAbove: "£50,000"\n  significantPublicInterest: true\n'
                       + "  noticeClearDays: 28\n")
    cli("office", "edit", "cumbria", "--file", str(profile), "--as", "cumbria.chief-executive")
    draft = pathlib.Path(db).with_name("key-decision.yaml")
    draft.write_text("title: Community safety hubs in Barrow and Whitehaven\n"
                     "executiveSummary: Two community safety hubs, run with the district councils.\n"
                     "recommendation: That the Commissioner approves £150,000 for the hubs.\n"
                     'amount: "£150,000"\nsignificantPublicInterest: true\n')
    raised = cli("decision", "raise", "--file", str(draft), "--office", "cumbria", "--as", "cumbria.officer")
    record = raised.split()[1].rstrip(":")
    cli("decision", "forward-plan", record, "--office", "cumbria", "--expected", "2030-03-01", "--as",
        "cumbria.officer")


def public_pages_journey(run, opcc, db):
    """Issue 28, item 3-5: the styled notice (screen, phone and print), the office and national registers with a
    search and filters, their Atom and CSV, the forward plan and the Panel report."""
    print("journey: the public face, the forward plan and the Panel report")
    forward_plan_setup(opcc, db)
    run.driver.delete_all_cookies()
    run.go("/register?q=lighting")
    run.expect("Browser pilot: street lighting in Ormsgill" in run.driver.page_source, "the public search finds it")
    run.go("/offices/cumbria/register?min=1000&max=200000&sort=newest")
    run.expect("Office of the Police and Crime Commissioner for Cumbria" in run.driver.page_source, "office name")
    run.shot_whole("20-office-register")
    status, _, atom = fetch(run.base, "/offices/cumbria/register.atom")
    run.expect(status == 200 and b"<entry>" in atom, "the office's Atom feed")
    status, _, csv = fetch(run.base, "/register.csv?q=lighting")
    run.expect(status == 200 and csv.startswith(b"office,officeName,"), "the register's CSV")
    run.go("/register")
    link = run.driver.find_element(By.PARTIAL_LINK_TEXT, "Browser pilot: street lighting")
    run.click(link)
    run.expect("/assets/notice.css" in run.driver.page_source, "the notice's stylesheet is a file")
    notice = run.driver.current_url
    run.shot_whole("21-public-notice")
    run.driver.set_window_size(390, 844)
    run.shot("22-public-notice-phone")
    run.go("/offices/cumbria/register")
    run.shot("23-office-register-phone")
    run.driver.set_window_size(1200, 1500)
    run.go("/register")
    run.click(run.driver.find_element(By.PARTIAL_LINK_TEXT, "Browser pilot: street lighting"))
    run.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    run.shot_whole("24-public-notice-print")
    run.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    run.go("/offices/cumbria/forward-plan")
    run.expect("Forward plan" in run.driver.page_source, "the forward plan")
    run.shot_whole("25-forward-plan")
    status, _, ics = fetch(run.base, "/offices/cumbria/forward-plan.ics")
    run.expect(status == 200 and ics.startswith(b"BEGIN:VCALENDAR\r\n"), "the forward plan's iCalendar feed")
    run.sign_in("cumbria.chief-executive")
    run.go("/panel-report?from=2016-01-01&to=2030-12-31")
    run.expect("Money allocated by strand" in run.driver.page_source, "the Panel report")
    run.shot_whole("26-panel-report")
    return notice


# Issue 29: the round the browser applies to, set up with the CLI on the served database; its application carries a
# tripwire that must reach no public page or export.
ROUND_TITLE = "Browser Community Safety Fund small grants"
ROUND_TRIPWIRE = "Application tripwire 5521: our safeguarding lead is named here"
APPLICANT = "browser.applicant"
APPLICANT_EMAIL = "bids@ormsgill-youth.example.org"
ASSESSOR = "cumbria.chief-executive"


def round_setup(opcc, db):
    """A Cumbria round open now (it opened yesterday and closes in 30 days, London time), published, with an assessor.
    Returns its id."""
    import datetime

    def cli(*args):
        return globals()["cli"](opcc, db, *args)

    now = datetime.datetime.now()
    opens = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d") + " 09:00"
    closes = (now + datetime.timedelta(days=30)).strftime("%Y-%m-%d") + " 12:00"
    spec = pathlib.Path(db).with_name("browser-round.yaml")
    spec.write_text(ROUND_SPEC.format(title=ROUND_TITLE, opens=opens, closes=closes, assessor=ASSESSOR))
    created = cli("round", "create", str(spec), "--office", "cumbria", "--as", "cumbria.officer")
    round_id = created.split()[0]
    cli("round", "publish", round_id, "--as", "cumbria.officer")
    return round_id


ROUND_SPEC = """title: {title}
strand: ASB
year: 2016/17
total: "£20,000"
bands:
  - name: small
    upTo: "£5,000"
eligibility:
  organisationKinds: [charity, company]
  areas: [Barrow, Copeland]
criteria:
  - id: need
    title: Evidence of need in the area
    weight: 3
  - id: delivery
    title: A realistic plan to deliver it
    weight: 2
scale:
  - score: 0
    descriptor: No evidence
  - score: 1
    descriptor: Weak
  - score: 2
    descriptor: Adequate
  - score: 3
    descriptor: Good
  - score: 4
    descriptor: Excellent
questions:
  - id: project
    text: What will the project do?
    maxWords: 300
  - id: need
    text: What need does it meet, and how do you know?
opens: "{opens}"
closes: "{closes}"
assessors: [{assessor}]
spreadThresholdPercent: 20
endOfGrantReport: true
"""


def sign_in_as(run, name):
    """`run.sign_in` for a person whose first page is not the staff home (an applicant)."""
    run.user = name
    run.driver.delete_all_cookies()
    run.go("/sign-in")
    run.driver.find_element(By.ID, "username").send_keys(name)
    run.driver.find_element(By.ID, "password").send_keys(PASSWORD)
    run.press_css("main form button[type=submit]")
    run.expect("Sign out" in run.driver.page_source, f"{name} signed in")


def round_journey(run, opcc, db, sink_folder):
    """Issue 29: the public reads an open round; a partner signs up (the link by mail verifies the address), writes an
    application (a budget that does not add up is refused beside its field), saves it and submits it; an officer
    marks it eligible; an assessor declares no conflict and scores it. The application is on no public page."""
    print("journey: a grant round — a partner signs up and applies, an officer checks it, an assessor scores it")
    round_id = round_setup(opcc, db)
    run.driver.delete_all_cookies()
    run.go("/rounds")
    run.expect(ROUND_TITLE in run.driver.page_source, "the open round is on the public list")
    run.shot_whole("30-rounds")
    run.click(run.driver.find_element(By.PARTIAL_LINK_TEXT, ROUND_TITLE))
    page = run.driver.page_source
    run.expect("Evidence of need in the area" in page and "Excellent" in page and "at 12:00" in page,
               "the round's page publishes its criteria, scale and closing time")
    run.shot_whole("31-round")
    run.driver.set_window_size(390, 844)
    run.shot("32-round-phone")
    run.driver.set_window_size(1200, 1500)
    round_path = f"/rounds/{round_id}"

    run.go(f"/sign-up?round={round_id}")
    run.fill("signup-organisation", "Ormsgill Youth Trust")
    run.driver.find_element(By.ID, "signup-kind-charity").click()
    run.fill("signup-number", "12")
    run.fill("signup-displayName", "Jo Bidwriter")
    run.fill("signup-email", APPLICANT_EMAIL)
    run.fill("signup-name", APPLICANT)
    run.press_css("main form button[type=submit]")
    run.expect("There is a problem" in run.driver.page_source
               and run.driver.find_element(By.CSS_SELECTOR, ".error-summary a").get_attribute("href")
               .endswith("#signup-number"), "a charity number of two digits is refused beside its field")
    run.user = "public"
    run.audit_refusal("a sign-up with a bad charity number")
    run.fill("signup-number", "1045678")
    run.press_css("main form button[type=submit]")
    run.expect("Check your email" in run.driver.page_source, "the sign-up mails a link")
    link = None
    deadline = time.time() + 60
    while time.time() < deadline and link is None:
        for subject, rcpts, text, _ in received_mail(sink_folder):
            found = re.search(r"(http://\S+/account/link/[A-Za-z0-9_-]+)", text)
            if APPLICANT_EMAIL in rcpts and found:
                link = found.group(1)
        time.sleep(0.5)
    run.expect(link is not None and link.startswith(run.base), "the link arrived at the address given")
    run.driver.get(link)
    run.fill("password", PASSWORD)
    run.fill("confirm", PASSWORD)
    run.press_css("main form button[type=submit]")
    run.expect("Your password is set" in run.driver.page_source, "the address is verified and the password chosen")

    sign_in_as(run, APPLICANT)
    run.go("/applications")
    run.click(run.driver.find_element(By.PARTIAL_LINK_TEXT, ROUND_TITLE))
    run.fill("application-title", "Friday night youth club in Ormsgill")
    run.press_css("form#application button[name=intent]")
    run.expect("Your draft is saved" in run.driver.page_source, "a first draft is saved")
    application_path = run.driver.current_url[len(run.base):].split("?")[0]
    # The draft's documents: a letter of support attached on their own page, listed with a download link.
    run.go(f"{application_path}/documents")
    letter = pathlib.Path(tempfile.mkdtemp(prefix="opcc-browser-application-")) / "Letter of support.txt"
    letter.write_text(f"The community centre supports the club. {ROUND_TRIPWIRE}\n")
    run.driver.find_element(By.ID, "documents-file").send_keys(str(letter))
    Select(run.driver.find_element(By.ID, "documents-kind")).select_by_value("background-paper")
    run.press("documents")
    run.expect("Letter of support.txt" in run.driver.page_source, "the applicant attaches a document to the draft")
    letter_path = run.driver.find_element(By.CSS_SELECTOR, "a[href^='/documents/']").get_attribute("href")[len(run.base):]
    run.shot_whole("33a-application-documents")
    run.go(application_path)
    run.fill("question-0", "A Friday night youth club at the community centre, 40 weeks a year.")
    run.fill("question-1", f"Anti-social behaviour peaks on Friday nights. {ROUND_TRIPWIRE}")
    run.fill("line-0-description", "Youth workers, 40 sessions")
    run.fill("line-0-amount", "£3,200")
    run.fill("line-1-description", "Hall hire")
    run.fill("line-1-amount", "£800")
    run.fill("application-requested", "£4,500")
    run.fill("application-area", "Barrow")
    run.fill("application-outcomes", "Fewer ASB reports on Friday nights\n30 young people attending weekly")
    run.shot_whole("33-application-form")
    run.press_css("form#application button[formaction]")
    run.expect("There is a problem" in run.driver.page_source, "a budget that does not add up is refused")
    hrefs = [a.get_attribute("href") for a in run.driver.find_elements(By.CSS_SELECTOR, ".error-summary a")]
    run.expect(any(h.endswith("#application-requested") for h in hrefs), "the error links to the amount asked for")
    run.shot("34-application-refused")
    run.audit_refusal("an application whose budget does not add up")
    run.fill("application-requested", "£4,000")
    run.press_css("form#application button[formaction]")
    run.expect("Your application is submitted" in run.driver.page_source, "submitted before the close")
    run.expect(run.tag() == "Submitted", "its status is Submitted")
    run.shot_whole("35-application-submitted")
    application_id = application_path.rsplit("/", 1)[1]

    run.sign_in("cumbria.officer")
    run.go(f"{round_path}/applications")
    run.fill(f"eligibility-{application_id}-reason", "A registered charity working in Barrow.")
    run.press(f"eligibility-{application_id}")
    run.expect("The eligibility is recorded" in run.driver.page_source, "the officer marks it eligible")

    run.sign_in(ASSESSOR)
    run.go(f"{round_path}/assess")
    run.expect("hidden until you submit yours" in run.driver.page_source or "Record my declaration" in run.driver.page_source,
               "the assessor's page opens without the others' scores")
    run.press(f"conflict-{application_id}")
    run.expect("Your declaration is recorded" in run.driver.page_source, "no conflict declared")
    for index, score in [(0, "3"), (1, "4")]:
        Select(run.driver.find_element(By.ID, f"score-{application_id}-{index}-score")).select_by_value(score)
        run.fill(f"score-{application_id}-{index}-comment", f"Criterion {index + 1}: well evidenced.")
    run.shot_whole("36-assessor-scoring")
    run.press(f"score-{application_id}")
    run.expect("Your scores are submitted" in run.driver.page_source, "the assessor's scores are submitted")
    run.expect("85.00%" in run.driver.page_source, "with the weighted score (3×3 + 2×4 of 5×4: 85%)")
    run.shot_whole("37-assessor-scored")

    run.driver.delete_all_cookies()
    public = ["/rounds", round_path, "/register", "/transparency", "/transparency/grants", "/transparency/360giving.json",
              "/transparency/grants.csv", "/calendar/public.ics"]
    leaks = [path for path in public if ROUND_TRIPWIRE.encode() in fetch(run.base, path)[2]]
    run.expect(not leaks, f"the application is on no public page or export ({leaks})")
    status, _, body = fetch(run.base, letter_path)
    run.expect(status == 404 and ROUND_TRIPWIRE.encode() not in body,
               f"the application's document is not found by the public ({status})")
    status, _, body = fetch(run.base, application_path)
    run.expect(ROUND_TRIPWIRE.encode() not in body and b"Sign in" in body,
               f"the application's address asks the public to sign in ({status})")
    return round_id, application_path


def fetch(base, path, headers=None):
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def session_cookie(run):
    return "; ".join(f"{c['name']}={c['value']}" for c in run.driver.get_cookies())


def document_checks(run, url, opcc, db, finance_token):
    """After publication: the business case is the public's, the annex only a Part 2 reader's, and that read is
    audited."""
    print("documents: Part 1 downloaded by the public, Part 2 by a reader only")
    case_path, annex_path, case_bytes = run.documents
    record = url.rsplit("/", 1)[1]
    annex_id = annex_path.rsplit("/", 1)[1]
    status, headers, body = fetch(run.base, case_path)
    run.expect(status == 200 and body == case_bytes, f"the public downloads the business case byte for byte ({status})")
    run.expect((headers.get("Content-Disposition") or "").startswith("attachment")
               and headers.get("X-Content-Type-Options") == "nosniff", "it comes as a download, never rendered")
    status, _, body = fetch(run.base, annex_path)
    run.expect(status == 404 and ANNEX_TRIPWIRE.encode() not in body, f"the annex is 404 to the public ({status})")
    secret = [ANNEX_TRIPWIRE.encode(), ANNEX_NAME.encode(), annex_id.encode()]
    public = ["/", "/register", f"/register/{record}", "/transparency", "/transparency/360giving.json",
              "/calendar/public.ics", f"/api/v1/decisions/{record}", f"/api/v1/decisions/{record}/notice",
              f"/api/v1/decisions/{record}/documents"]
    for publication in ("grants", "spending", "contracts"):
        public += [f"/transparency/{publication}{suffix}" for suffix in ("", ".csv", ".json")]
    leaks = [path for path in public if any(s in fetch(run.base, path)[2] for s in secret)]
    run.expect(not leaks, f"the annex's name, id and contents are on no public page, export, feed or API answer "
               f"({len(public)} read; leaked on {leaks})")
    status, _, notice = fetch(run.base, f"/register/{record}")
    run.expect(status == 200 and CASE_NAME.encode() in notice, "the public notice lists the business case")
    bearer = {"Authorization": f"Bearer {finance_token}"}
    api = [f"/api/v1/decisions/{record}", f"/api/v1/decisions/{record}/documents", f"/api/v1/decisions/{record}/notice"]
    leaks = [path for path in api if any(s in fetch(run.base, path, bearer)[2] for s in secret)]
    run.expect(not leaks, f"finance, who does not read Part 2, meets no trace of the annex in the API ({leaks})")
    run.sign_in("cumbria.finance")
    run.driver.get(url)
    run.expect(all(s.decode() not in run.driver.page_source for s in secret), "nor on the decision's page")
    status, _, body = fetch(run.base, annex_path, {"Cookie": session_cookie(run)})
    run.expect(status == 403 and ANNEX_TRIPWIRE.encode() not in body, f"and its download is refused ({status})")
    run.sign_in("cumbria.auditor")
    run.driver.get(url)
    run.expect(ANNEX_NAME in run.driver.page_source, "the auditor, a Part 2 reader, sees the annex listed")
    status, _, body = fetch(run.base, annex_path, {"Cookie": session_cookie(run)})
    run.expect(status == 200 and ANNEX_TRIPWIRE.encode() in body, f"and downloads it ({status})")
    log = cli(opcc, db, "audit", "log", "--instance", record, "--json", "--as", "cumbria.auditor")
    reads = [e for e in json.loads(log) if e.get("event") == "document-read"
             and annex_id in json.dumps(e.get("payload", {}))]
    run.expect(len(reads) == 1, f"the auditor's read of the annex is in the audit log once ({len(reads)})")


def return_journey(run):
    print("journey 2: a board submits a return, a reviewer sends it back, the board resubmits, finance accepts")
    run.sign_in("cumbria.barrow-board")
    run.go("/returns")
    links = run.driver.find_elements(By.CSS_SELECTOR, "main table a")
    run.expect(len(links) >= 1, "the board sees its returns")
    run.click(links[0])
    return_url = run.driver.current_url
    run.fill("spendInQuarter", "£9,000")
    run.fill("spendToDate", "£9,000")
    run.fill("narrative", "Problem-solving group formed; ward action plan agreed from the SARA analysis.")
    run.fill("milestone-0-name", "Problem-solving group meeting monthly")
    Select(run.driver.find_element(By.ID, "milestone-0-rag")).select_by_value("green")
    run.fill("milestone-1-name", "Ward action plan agreed")
    Select(run.driver.find_element(By.ID, "milestone-1-rag")).select_by_value("amber")
    run.fill("milestone-1-reason", "Two partners still to sign the plan")
    run.fill("indicator-0", "101 this quarter")
    run.fill("indicator-1", "10")
    run.shot("06-board-return-form")
    run.press_css("#board-form button[formaction]")
    run.expect("There is a problem" in run.driver.page_source, "an unexplained 28% underspend is refused")
    hrefs = [a.get_attribute("href") for a in run.driver.find_elements(By.CSS_SELECTOR, ".error-summary a")]
    run.expect(any(h.endswith("#varianceExplanation") for h in hrefs), "the error links to the explanation field")
    run.shot("07-return-variance-refused")
    run.audit_refusal("a return with an unexplained underspend")
    run.fill("varianceExplanation", "The youth sessions started in June, not April.")
    run.press_css("#board-form button[formaction]")
    run.expect(run.tag() == "Submitted", "submitted")
    run.sign_in("cumbria.officer")
    run.go("/returns?status=awaiting-review")
    run.expect(return_url.rsplit("/", 1)[1] in run.driver.page_source, "in the reviewer's queue")
    run.driver.get(return_url)
    run.fill("reasons", "Please give the sessions' new start date and the plan to catch up.")
    run.shot("08-reviewer-sends-back")
    run.press("send-back")
    run.expect(run.tag() == "Returned for revision", "sent back")
    run.sign_in("cumbria.barrow-board")
    run.driver.get(return_url)
    run.expect("new start date" in run.driver.page_source, "the board reads the reasons")
    run.fill("varianceExplanation", "Sessions started on 6 June; two extra sessions a month catch up by Q3.")
    run.press_css("#board-form button[formaction]")
    run.expect(run.tag() == "Submitted", "resubmitted")
    run.sign_in("cumbria.finance")
    run.driver.get(return_url)
    run.press("accept")
    run.expect(run.tag() == "Accepted", "accepted by finance")
    run.shot("09-return-accepted")
    return return_url


def finance_journey(run):
    """Finance reads the budgets and a grant, previews a formula split, is refused an early instalment; the pilot
    areas and the priorities matrix are read by their office's people."""
    print("journey 3: finance, grants, pilot areas and priorities")
    run.sign_in("cumbria.finance")
    run.go("/finance")
    run.expect("Budget used per strand" in run.driver.page_source, "the budget chart and its table")
    run.expect("£250,000.00" in run.driver.page_source, "the ASB budget")
    run.shot("10-finance-budgets")
    # Set a budget: a cut below what is allocated is refused beside its field, then a new strand is added.
    for field, value in [("budget-year", "2016/17"), ("budget-strand", "ASB"), ("budget-amount", "£50,000")]:
        run.fill(field, value)
    run.press("budget")
    run.expect("There is a problem" in run.driver.page_source and "href=\"#budget-amount\"" in run.driver.page_source,
               "a budget cut below what is allocated is refused, linked to its field")
    run.expect(run.driver.find_element(By.ID, "budget-amount-error").is_displayed(), "the message beside the field")
    run.expect("£250,000.00" in run.driver.page_source, "the ASB budget is unchanged")
    run.shot_whole("18-budget-refused")
    run.audit_refusal("a budget cut below what is allocated")
    for field, value in [("budget-strand", "VICTIMS"), ("budget-name", "Victims' services"), ("budget-amount", "£10,000")]:
        run.fill(field, value)
    run.press("budget")
    run.expect("VICTIMS: Victims" in run.driver.page_source and "£10,000.00" in run.driver.page_source,
               "the new strand's budget is set")
    run.go("/grants/cumbria-GA-0001")
    run.expect("Spend against profile" in run.driver.page_source, "the grant's spend chart")
    run.shot("11-grant-agreement")
    # Copeland's grant (the return journey did not touch it): I2 waits for the Q1 return to be accepted.
    run.go("/grants/cumbria-GA-0002")
    run.press_css("form[action='/grants/cumbria-GA-0002/release'] input[value='I2'] ~ button[type=submit]")
    run.expect("There is a problem" in run.driver.page_source, "Copeland's I2 before its Q1 return is refused")
    run.expect("I2" in run.driver.find_element(By.CSS_SELECTOR, ".error-summary").text, "the refusal names I2")
    run.shot("12-grant-release-refused")
    run.audit_refusal("an instalment released before its condition is met")
    run.go("/finance/allocations")
    for field, value in [
        ("split-year", "2016/17"), ("split-strand", "ASB"), ("split-decision", "014/2016"),
        ("split-purpose", "Neighbourhood ASB fund"), ("split-total", "£10,000"), ("factor-0-name", "population"),
        ("factor-0-weight", "50"), ("factor-1-name", "incidents"), ("factor-1-weight", "50"),
        ("r-0-orgId", "GB-LAE-BAR"), ("r-0-name", "Barrow Borough Council"), ("r-0-area", "Barrow"),
        ("r-0-f0", "300"), ("r-0-f1", "100"), ("r-1-orgId", "GB-LAE-COP"), ("r-1-name", "Copeland Borough Council"),
        ("r-1-area", "Copeland"), ("r-1-f0", "100"), ("r-1-f1", "100"),
    ]:
        run.fill(field, value)
    run.press_css("form[action='/finance/allocations/preview'] button[type=submit]")
    run.expect("£6,250.00" in run.driver.page_source, "the split per area before it is confirmed")
    run.shot("13-split-preview")
    run.sign_in("wm.finance")
    run.go("/finance/carry-forwards")
    run.expect("£38,000.00" in run.driver.page_source, "the Wolverhampton carry-forward")
    run.shot("14-carry-forwards")
    run.sign_in("cumbria.officer")
    run.go("/vli")
    run.expect("Wards ranked" in run.driver.page_source, "the ranked wards")
    run.shot("15-vli-wards")
    run.go("/vli/wards/SYN-W009")
    run.expect("Quarterly returns under cumbria-GA-0001" in run.driver.page_source, "Ormsgill's chain")
    run.shot("16-ward-chain")
    run.go("/vli")
    Select(run.driver.find_element(By.ID, "score-scheme")).select_by_value("vli-default")
    run.press("vli-score")
    run.expect("cumbria-VLI-0002, scored on" in run.driver.page_source, "the VLI scored again, a new run shown")
    run.sign_in("leics.officer")
    run.go("/priorities/leicestershire-PA-0001")
    run.expect("Risk matrix" in run.driver.page_source, "the risk matrix")
    run.shot("17-priorities-matrix")
    run.sign_in("leics.chief-executive")
    run.go(f"/priorities/{SELECTING}")
    run.expect(run.tag() == "Selecting", "the 2018/19 selection waits for adoption")
    run.press("priority-adopt")
    run.expect(run.tag() == "Adopted", "the chief executive adopts the priorities")
    run.shot("19-priorities-adopted")


SELECTING = "leicestershire-PA-0002"


def cli(opcc, db, *args):
    done = subprocess.run([opcc, *args, "--db", db, "--home", str(ROOT)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"opcc {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare(opcc, db):
    """The demo (before the returns), and seed 001's assessment again for 2018/19, scored, with scoring closed and
    the board's selection recorded through the CLI, so the browser adopts it. Returns an API token of finance's."""
    def cli(*args):
        return globals()["cli"](opcc, db, *args)

    cli("demo", "--without-returns")
    # Lancashire (journey 4): the Chief Executive decides within £50,000 and the Commissioner notes it. `serve
    # --demo` gives its people the demo password.
    cli("office", "add", "--file", str(ROOT / "fixtures/new-office/lancashire.yaml"), "--as", "browser.setup")
    cli("user", "add", "lancs.chief-executive", "--role", "chief-executive", "--display-name",
        "Chief Executive, OPCC for Lancashire", "--office", "lancashire")
    for name, role, display in [("lancs.officer", "officer", "Commissioning officer"),
                                ("lancs.pcc", "commissioner", "Police and Crime Commissioner for Lancashire")]:
        cli("user", "add", name, "--role", role, "--display-name", display, "--office", "lancashire", "--as",
            "lancs.chief-executive")
    # A refused carry-forward, so finance has a clawback to settle.
    cli("finance", "carry-forward", "request", "--from", "2016/17", "--strand", "ASB", "--recipient", "GB-LAE-BAR",
        "--forecast", "£5,000", "--reason", "Slippage in the hub works", "--office", "cumbria", "--as",
        "cumbria.finance", "--on", "2017-03-01")
    cli("finance", "carry-forward", "decide", "cumbria-CF-0001", "--refuse", "--reason", "The pilot ends in March",
        "--as", "cumbria.pcc", "--on", "2017-03-02")
    source = (ROOT / "fixtures/priorities/safer-north-west-2017-18.yaml").read_text()
    # The assessment is the fixture's first part; the demo's own keys follow (importedOn, scoringClosedOn, money,
    # selection), and `priorities import` refuses keys an assessment file does not have.
    source = source[:source.index("\nimportedOn:")] + "\n"
    next_year = pathlib.Path(db).with_name("safer-north-west-2018-19.yaml")
    next_year.write_text(source.replace("2017/18", "2018/19"))
    officer = ["--as", "leics.officer"]
    cli("priorities", "import", "--file", str(next_year), *officer)
    cli("priorities", "close-scoring", SELECTING, *officer)
    for code, title, threats, statutory in [
        ("P1", "Protecting those that live, work and visit the District from the effects of violence",
         ["Alcohol Related Violence", "Violent Crime", "Domestic Abuse", "Sexual Offences"], False),
        ("P2", "Increasing community confidence by effectively addressing Anti-social behaviour and its causes",
         ["Anti-Social Behaviour"], False),
        ("P3", "Support for business, schools and residents to reduce the risk of Cybercrime", ["Cybercrime"], False),
        ("S1", "Reducing reoffending", [], True),
        ("S2", "Substance misuse", [], True),
    ]:
        args = ["priorities", "set-priority", SELECTING, "--code", code, "--title", title, *officer]
        for threat in threats:
            args += ["--threat", threat]
        cli(*args, *(["--statutory"] if statutory else []))
    for threat, chosen in [("Domestic Abuse", True), ("Sexual Offences", True), ("Domestic Burglary", False),
                           ("Criminal Damage (including Arson)", False), ("Road Safety*", False)]:
        cli("priorities", "decide", SELECTING, "--threat", threat, "--select" if chosen else "--not-select",
            "--reason", "The board's decision at its 2018 meeting", *officer)
    cli("priorities", "compel", SELECTING, "--threat", "Cybercrime", "--kind", "national-steer", "--reason",
        "A national priority", *officer)
    created = cli("token", "create", "--label", "browser-test", "--as", "cumbria.finance")
    return created.splitlines()[0].rsplit(": ", 1)[1].strip()


def audit(run, pages, report_path):
    print("accessibility: axe-core on every main page")
    source = axe_source()
    lines = ["# Accessibility audit (axe-core)", "", "| page | signed in as | violations | serious or critical |",
             "|---|---|---:|---:|"]
    failures = []

    def record(cells, where, result):
        """One table row (the leading `cells`, then the counts), a row per violation, and a failure per serious or
        critical one, named by `where`."""
        bad = [v for v in result if v.get("impact") in ("serious", "critical")]
        lines.append("| " + " | ".join(cells + [str(len(result)), str(len(bad))]) + " |")
        for v in result:
            lines.append("|" + " |" * len(cells) + f" {v['impact']}: {v['id']} ({len(v.get('nodes', []))} nodes) | |")
        for v in bad:
            failures.append(f"{where}: {v['impact']} {v['id']}: {v.get('description', '')}")

    for user, path in pages:
        if user is None:
            run.driver.delete_all_cookies()
        elif user == APPLICANT:
            sign_in_as(run, user)
        else:
            run.sign_in(user)
        run.go(path)
        if "Page not found" in run.driver.title:
            lines.append(f"| {path} | {user or 'public'} | not built | |")
            continue
        record([path, user or "public"], f"{path} ({user or 'public'})", run_axe(run.driver, source))
    lines += ["", "Pages that came back from a refused form (422, with the error summary), audited as they appeared:",
              "", "| refused form | page | signed in as | violations | serious or critical |", "|---|---|---|---:|---:|"]
    for what, user, url, result in run.refusals:
        path = url[len(run.base):]
        record([what, path, user], f"{path} after {what} ({user})", result)
    pathlib.Path(report_path).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return failures


def start_sink(work):
    """.ci/smtp-sink on a free loopback port; (process, folder it writes to, port)."""
    folder = os.path.join(work, "received")
    port_file = os.path.join(work, "sink-port")
    sink = subprocess.Popen([sys.executable, str(ROOT / ".ci/smtp-sink"), "serve", "--out", folder, "--port", "0",
                             "--port-file", port_file], stdout=open(os.path.join(work, "sink.log"), "w"),
                            stderr=subprocess.STDOUT)
    for _ in range(100):
        if os.path.exists(port_file):
            return sink, folder, int(open(port_file).read())
        if sink.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit("the SMTP sink (.ci/smtp-sink, aiosmtpd) did not start: " + open(os.path.join(work, "sink.log")).read())


def received_mail(folder):
    """Every message the sink has written: (subject, envelope recipients, text part, whole message as text)."""
    mails = []
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".eml")) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), "rb") as f:
            raw = f.read()
        with open(os.path.join(folder, name[:-4] + ".json")) as f:
            envelope = json.load(f)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        mails.append((str(message["subject"]), envelope["rcpt_tos"], text, text + html + str(message["subject"])))
    return mails


def mail_check(run, folder, decision_url):
    """Journey 1's notifications, sent by the server's worker: each once, to the right address, with the link."""
    expected = sorted([
        ("Sign-off needed", "officer@cumbria.example.org"), ("Sign-off needed", "chief-executive@cumbria.example.org"),
        ("awaits your decision", "chief-executive@cumbria.example.org"), ("awaits your decision", "pcc@cumbria.example.org"),
        ("approved", "officer@cumbria.example.org")])

    def seen():
        found = []
        for subject, rcpts, text, _ in received_mail(folder):
            if decision_url in text:
                kind = next((k for k in ("Sign-off needed", "awaits your decision", "approved") if k in subject), subject)
                found += [(kind, r) for r in rcpts]
        return sorted(found)

    deadline = time.time() + 60
    while time.time() < deadline and len(seen()) < len(expected):
        time.sleep(0.5)
    time.sleep(1)  # anything sent twice would come now
    run.expect(seen() == expected, f"journey 1 mailed the signatories, the referral and the decision once each "
               f"(expected {expected}, received {seen()})")
    mails = received_mail(folder)
    run.expect(all("Part 2 test content" not in whole for *_, whole in mails),
               "no message carries the Part 2 tripwire")
    print(f"mail: {len(seen())} messages about journey 1 at the right addresses with the link {decision_url}; "
          f"{len(mails)} received in all, none with Part 2")


def first_run_journey(opcc, shots, driver):
    """Issue 26: `opcc serve` on an empty database prints a one-time set-up link; the browser creates the office and
    its first administrator with it, signs in, and adds a person on the people page. Its own server and database."""
    print("journey: first run — the set-up link, the first office and administrator, a person added")
    work = tempfile.mkdtemp(prefix="opcc-first-run-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out_path = os.path.join(work, "serve.log")
    out = open(out_path, "w")
    server = subprocess.Popen(
        [opcc, "serve", "--db", os.path.join(work, "empty.sqlite"), "--port", str(port), "--home", str(ROOT)],
        stdout=out, stderr=subprocess.STDOUT)
    try:
        link = None
        for _ in range(240):
            text = open(out_path).read()
            found = re.search(r"(http://\S+/setup/[A-Za-z0-9_-]{43})", text)
            if found and "serving on" in text:
                link = found.group(1)
                break
            if server.poll() is not None:
                raise SystemExit(text + "\nthe server stopped")
            time.sleep(0.5)
        run = Run(base, shots, driver)
        run.expect(link is not None, "serve printed a set-up link on an empty database")
        driver.delete_all_cookies()
        driver.get(link)
        run.expect("Set up your office" in driver.page_source, "the set-up page opens")
        run.fill("profile", "id: surrey\nname: Surrey\ncolour: blue\n")
        for field, text in [("name", "s.admin"), ("displayName", "Sam Admin"), ("email", "sam@surrey.example"),
                            ("password", PASSWORD), ("confirm", PASSWORD)]:
            run.fill(field, text)
        run.press_css("main form button[type=submit]")
        run.expect("colour" in driver.page_source, "a bad profile comes back with the loader's message")
        run.fill("profile", "")
        run.fill("officeID", "surrey")
        run.fill("officeName", "Office of the Police and Crime Commissioner for Surrey")
        for field, text in [("password", PASSWORD), ("confirm", PASSWORD)]:
            run.fill(field, text)
        run.press_css("main form button[type=submit]")
        run.expect("is set up" in driver.page_source, "the office and its administrator are created")
        run.shot("first-run-done")
        driver.get(link)
        run.expect("already set up" in driver.page_source, "the link is dead once used")
        run.base = base
        run.sign_in("s.admin")
        run.go("/people")
        run.expect("Sam Admin" in driver.page_source, "the people page lists the administrator")
        run.fill("name", "surrey.officer")
        run.fill("displayName", "Zoë Officer")
        run.fill("email", "officer@surrey.example")
        driver.find_element(By.ID, "role-officer").click()
        run.press_css("form[action='/people'] button[type=submit]")
        run.expect("Zoë Officer" in driver.page_source, "a person is added on the people page")
        run.shot_whole("people-page")
        # The office's people from a staff list: the preview shows the bad row by row and column, writes nothing.
        staff = os.path.join(work, "staff.csv")
        with open(staff, "w", encoding="utf-8") as f:
            f.write("name,display name,email,roles\r\n"
                    "surrey.finance,Finance Officer,finance@surrey.example,finance\r\n"
                    "surrey.wizard,Someone,wizard@surrey.example,wizard\r\n")
        run.go("/import")
        run.expect("Import from a spreadsheet" in driver.page_source, "the import page opens")
        driver.find_element(By.ID, "import-kind-people").click()
        driver.find_element(By.ID, "import-file").send_keys(staff)
        run.press_css("form[action='/import'] button[type=submit]")
        errors = driver.find_element(By.ID, "import-errors").text
        run.expect("3" in errors and "roles" in errors and "wizard" in errors,
                   "the preview lists the bad row (3) and its column (roles)")
        run.expect("surrey.finance" in driver.find_element(By.ID, "import-rows").text,
                   "the preview shows the row that would be written")
        run.shot_whole("import-preview")
        run.go("/people")
        run.expect("surrey.finance" not in driver.page_source, "a preview writes nothing")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--opcc", default=str(ROOT / ".build/debug/opcc"))
    parser.add_argument("--shots", default=str(ROOT / "docs/screenshots"))
    parser.add_argument("--report", default=str(ROOT / "docs/accessibility.md"))
    args = parser.parse_args()
    shots = pathlib.Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)

    work = tempfile.mkdtemp(prefix="opcc-browser-")
    db = os.path.join(work, "b.sqlite")
    finance_token = prepare(args.opcc, db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sink, sink_folder, sink_port = start_sink(work)
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen(
        [args.opcc, "serve", "--demo", "--without-returns", "--db", os.path.join(work, "b.sqlite"), "--port",
         str(port), "--home", str(ROOT), "--smtp-url", f"smtp://127.0.0.1:{sink_port}", "--smtp-from",
         "opcc@cumbria.example.org", "--public-url", base], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/register", timeout=2)
                break
            except Exception:
                if server.poll() is not None:
                    raise SystemExit(open(os.path.join(work, "serve.log")).read() + "\nthe server stopped")
                time.sleep(0.5)
        options = webdriver.ChromeOptions()
        options.add_argument("--headless=new")
        options.add_argument("--no-sandbox")
        options.add_argument("--disable-dev-shm-usage")
        options.add_argument("--window-size=1200,1500")
        chromium = "/usr/bin/chromium"
        if os.path.exists(chromium):
            options.binary_location = chromium
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_script_timeout(60)
        run = Run(base, shots, driver)
        try:
            decision = decision_journey(run)
            mail_check(run, sink_folder, decision)
            document_checks(run, decision, args.opcc, db, finance_token)
            quarterly = return_journey(run)
            finance_journey(run)
            # The complete form first: the public pages' journey turns Cumbria's forward plan on, after which a key
            # decision taken without notice needs a reason of urgency.
            complete = complete_form_journey(run)
            public_notice = public_pages_journey(run, args.opcc, db)
            round_id, application_path = round_journey(run, args.opcc, db, sink_folder)
            first_run_journey(args.opcc, shots, driver)
            run.driver.delete_all_cookies()
            decision_path = decision[len(base):]
            return_path = quarterly[len(base):]
            pages = [
                (None, "/register"), (None, decision_path.replace("/decisions/", "/register/")), (None, "/sign-in"),
                ("cumbria.officer", "/home"), ("cumbria.officer", "/decisions"), ("cumbria.officer", decision_path),
                ("cumbria.officer", "/decisions/new"), ("cumbria.officer", "/returns"),
                ("cumbria.barrow-board", "/home"), ("cumbria.barrow-board", return_path),
                ("cumbria.finance", "/finance"), ("cumbria.finance", "/grants/cumbria-GA-0001"),
                ("cumbria.finance", "/grants"), ("cumbria.finance", "/finance/allocations"),
                ("wm.finance", "/finance/carry-forwards"), ("wm.pcc", "/finance/carry-forwards"),
                ("cumbria.officer", "/vli"), ("cumbria.officer", "/vli/wards/SYN-W009"),
                ("cumbria.officer", "/priorities"), ("leics.officer", "/priorities/leicestershire-PA-0001"),
                ("leics.officer", f"/priorities/{SELECTING}"), ("lincs.officer", "/vli"),
                ("cumbria.finance", "/grants/cumbria-GA-0002"), ("cumbria.pcc", "/grants/cumbria-GA-0002"),
                ("cumbria.finance", "/finance/carry-forwards"),
                (None, public_notice[len(base):]), (None, "/offices/cumbria/register"),
                (None, "/register?q=lighting&sort=amount-highest"), (None, "/offices/cumbria/forward-plan"),
                ("cumbria.chief-executive", "/panel-report?from=2016-01-01&to=2030-12-31"),
                (None, complete[len(base):].replace("/decisions/", "/register/")),
                (None, "/rounds"), (None, f"/rounds/{round_id}"), (None, f"/sign-up?round={round_id}"),
                (APPLICANT, "/applications"), (APPLICANT, application_path),
                (APPLICANT, f"{application_path}/documents"), ("cumbria.officer", f"{application_path}/documents"),
                ("cumbria.officer", f"/rounds/{round_id}/applications"), (ASSESSOR, f"/rounds/{round_id}/assess"),
                ("cumbria.officer", f"/rounds/{round_id}/moderation"),
            ]
            failures = audit(run, pages, args.report)
        except Exception:
            driver.save_screenshot(str(shots / "failure.png"))
            raise
        finally:
            driver.quit()
        if failures:
            print("serious or critical accessibility violations:\n  " + "\n  ".join(failures))
            sys.exit(1)
        print(f"browser test passed: {run.steps} checks; screenshots in {shots}; report in {args.report}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        sink.terminate()
        sink.wait(timeout=30)


if __name__ == "__main__":
    main()
