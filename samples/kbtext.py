"""Prose for the sample knowledge base, chat transcripts and macros.

Data only: generate.py renders it into HTML, Markdown, text, XML and JSON.
The company is Brewline, which sells the Aurora, Brio and Crema coffee
machines, their accessories and a water-filter subscription. Every text
here was written for these samples.

An article is (slug, title, summary, sections); a section is (heading,
blocks); a block is a paragraph (str) or a list of steps (list of str).
"""

ARTICLES = [
    ("how-to-descale", "How to descale your Aurora or Brio machine",
     "Descale every two to three months, or when the descale light comes on.",
     [("Before you start", [
         "Limescale builds up faster in hard-water areas. When the orange "
         "descale light comes on, plan about 25 minutes and keep a 1-litre "
         "container at hand. Use only Pura descaler: vinegar and citric acid "
         "can damage the seals and void the warranty.",
     ]), ("Run the descaling programme", [
         ["Empty the drip tray and the grounds container.",
          "Pour one bottle of Pura descaler into the water tank and top it up "
          "with fresh water to the 0.5 l mark.",
          "Place the container under the spout and the steam wand.",
          "Hold the cup button and the steam button together for three "
          "seconds until both lights flash.",
          "When the machine stops, rinse the tank, fill it with clean water "
          "and press the cup button once more to rinse."],
     ]), ("If the light stays on", [
         "The counter resets only when the rinse cycle finishes. If you "
         "switched the machine off halfway, run the programme again from "
         "step 3. If the light is still on after a full cycle, contact us "
         "with the serial number from the sticker under the drip tray.",
     ])]),
    ("password-reset", "I can't log in after resetting my password",
     "What to check when a new password is not accepted.",
     [("Check the basics", [
         "Reset links are valid for 60 minutes and work once. If you "
         "requested several links, only the newest one works. Passwords are "
         "case-sensitive, and a password manager may still fill in the old "
         "one.",
     ]), ("Still locked out", [
         ["Close every Brewline tab and open the login page in a private "
          "window.",
          "Request a new link from \u201cForgot password?\u201d and use it "
          "within the hour.",
          "Choose a password of at least 10 characters.",
          "If your account is locked after five attempts, wait 15 minutes "
          "before you try again."],
         "Accounts that sign in with Google or Apple have no Brewline "
         "password: use the same button you used to sign up.",
     ])]),
    ("returns-and-refunds", "Returns and refunds",
     "You can return most items within 30 days of delivery.",
     [("What you can return", [
         "Machines, accessories and spare parts can be returned within 30 "
         "days of delivery if they are unused and in their original "
         "packaging. Opened descaler, cleaning tablets and water filters "
         "cannot be returned for hygiene reasons.",
     ]), ("How to return an item", [
         ["Open Orders in your account and choose \u201cReturn an item\u201d.",
          "Select the items and a reason, then download the prepaid label.",
          "Drop the parcel at any partner shop within 14 days."],
     ]), ("When you get your money back", [
         "We refund to the original payment method within 5 working days "
         "of receiving the parcel. Banks may take another 3\u20135 days to "
         "show it. Delivery costs are refunded when the whole order is "
         "returned.",
     ])]),
    ("warranty", "Warranty and repairs",
     "Every machine has a two-year warranty; registered machines get three.",
     [("What is covered", [
         "The warranty covers faults in materials and manufacture for two "
         "years from the date on your invoice. Register your machine in the "
         "app within 90 days and we extend it to three years. Wear parts "
         "such as gaskets, brushes and water filters are not covered.",
     ]), ("Making a claim", [
         ["Find the serial number under the drip tray.",
          "Start a claim from Devices in your account and describe the "
          "fault; a short video helps.",
          "We send a box and a courier collects the machine. Repairs take "
          "about 10 working days."],
         "If we cannot repair the machine we replace it with the same model "
         "or its successor.",
     ])]),
    ("app-pairing", "Pairing your machine with the Brewline app",
     "Connect your Brio or Crema machine to the app over Bluetooth.",
     [("Pairing", [
         ["Turn on Bluetooth and location on your phone.",
          "On the machine, hold the menu button for five seconds until the "
          "blue light blinks.",
          "In the app, tap Devices, then Add a machine, and choose it from "
          "the list.",
          "Confirm the four-digit code shown on the machine's display."],
     ]), ("If pairing fails", [
         "Move the phone within two metres of the machine and close other "
         "apps that use Bluetooth. Machines with firmware older than 4.2 "
         "must be updated before they can pair; see the firmware article.",
     ])]),
    ("firmware-update", "Updating the machine's firmware",
     "Updates bring new recipes and fix known issues.",
     [("How updates work", [
         "The app checks for firmware when it connects to the machine. An "
         "update takes about eight minutes; keep the phone nearby and the "
         "machine switched on.",
     ]), ("An update is stuck", [
         ["Leave the machine for ten minutes: the last step can be slow.",
          "If the progress bar does not move, switch the machine off at the "
          "wall for 30 seconds.",
          "Start the update again from the app; it resumes where it stopped."],
         "If the display shows E90 after a failed update, contact us: the "
         "machine needs a recovery update that our team starts remotely.",
     ])]),
    ("error-codes", "What the error codes on the display mean",
     "A list of the codes the Aurora, Brio and Crema machines show.",
     [("Common codes", [
         ["E11 \u2013 the water tank is empty or not seated properly.",
          "E17 \u2013 the brew unit is blocked; remove it and rinse it under "
          "the tap.",
          "E23 \u2013 the grinder is jammed; check for a stone or a clump of "
          "oily beans.",
          "E41 \u2013 the temperature sensor reports an error; switch the "
          "machine off and let it cool for an hour.",
          "E90 \u2013 a firmware update did not finish."],
     ]), ("When to contact us", [
         "If a code comes back after you followed the steps, note the code "
         "and the serial number and open a ticket. Please do not open the "
         "housing: it voids the warranty.",
     ])]),
    ("milk-frother-cleaning", "Cleaning the milk frother",
     "Daily and weekly cleaning keeps the milk foam right.",
     [("After every use", [
         "Wipe the steam wand with a damp cloth and let steam run for two "
         "seconds. Milk that dries inside the wand blocks it within days.",
     ]), ("Once a week", [
         ["Take the frother head apart: nozzle, ring and sleeve.",
          "Soak the parts in warm water with half a cleaning tablet for 20 "
          "minutes.",
          "Rinse them and put them back until they click."],
         "The parts are dishwasher-safe on the top rack.",
     ])]),
    ("water-filter-subscription", "Changing or pausing your water-filter subscription",
     "Skip a delivery, pause, or change how often filters arrive.",
     [("Manage your subscription", [
         "Filters ship every two months by default. In Subscriptions you can "
         "skip the next delivery, pause for up to six months or switch to "
         "every three months. Changes made before the 20th apply to the "
         "next month's delivery.",
     ]), ("Cancelling", [
         "You can cancel at any time; the filter you have already received "
         "is yours to keep. We do not charge a cancellation fee.",
     ])]),
    ("delivery-tracking", "Where is my order?",
     "Delivery times and how to track a parcel.",
     [("Delivery times", [
         "Orders placed before 2 pm on a working day leave our warehouse the "
         "same day. Standard delivery takes 2\u20134 working days within the "
         "EU, and 3\u20135 days to Switzerland and the UK.",
     ]), ("Tracking", [
         "You get a tracking link by email when the parcel leaves. If the "
         "link shows no movement for three working days, write to us and we "
         "open an investigation with the carrier.",
     ])]),
    ("invoices-and-vat", "Invoices and VAT",
     "Download invoices and add a VAT number to business orders.",
     [("Download an invoice", [
         "Every order has a PDF invoice under Orders. Invoices are issued "
         "when the order ships, not when it is placed.",
     ]), ("Business customers", [
         "Add your VAT number in Account settings before you order; we "
         "cannot add it to an invoice afterwards, but we can issue a credit "
         "note and a corrected invoice on request.",
     ])]),
    ("two-factor-authentication", "Setting up two-factor authentication",
     "Protect your account with a code from an authenticator app.",
     [("Turn it on", [
         ["Open Account settings, then Security.",
          "Choose Two-factor authentication and scan the QR code with an "
          "authenticator app.",
          "Enter the six-digit code and store the backup codes somewhere "
          "safe."],
     ]), ("The code never arrives", [
         "Codes by text message can take a few minutes in some countries. "
         "If nothing arrives, use a backup code and switch to an "
         "authenticator app, which works offline.",
     ])]),
]

MD_ARTICLES = [
    ("delete-account", "Deleting your account and your data",
     "privacy",
     [("What we delete", [
         "When you delete your account we erase your profile, addresses, "
         "saved recipes and the link to your machines within 30 days. "
         "Invoices are kept for ten years because tax law requires it.",
     ]), ("How to do it", [
         ["Cancel any active subscription first.",
          "Open Account settings and choose *Delete account*.",
          "Confirm with the code we send by email."],
         "You can also write to privacy@brewline.example and ask for a copy "
         "of your data before you delete the account.",
     ])]),
    ("grinder-adjustment", "Adjusting the grinder",
     "machines",
     [("Finer or coarser", [
         "Turn the grinder dial only while the grinder is running, one step "
         "at a time. Finer settings give a stronger espresso but a slower "
         "shot; if the coffee drips, go two steps coarser.",
     ]), ("Oily beans", [
         "Very dark, oily beans stick in the grinder and cause error E23. "
         "Clean the grinder with a brush every week if you use them.",
     ])]),
    ("payment-methods", "Payment methods",
     "billing",
     [("What we accept", [
         "We accept Visa, Mastercard, American Express, PayPal, SEPA direct "
         "debit and, in some countries, invoice payment through our partner "
         "bank. Subscriptions need a card or SEPA mandate.",
     ]), ("A payment failed", [
         "If a payment fails we try again after three days and email you. "
         "Update the card under Payment methods to avoid a paused "
         "subscription.",
     ])]),
    ("brew-unit-cleaning", "Cleaning the brew unit",
     "machines",
     [("Weekly rinse", [
         ["Switch the machine off and open the side door.",
          "Press the red lever and pull the brew unit out.",
          "Rinse it under lukewarm water without soap and let it dry.",
          "Slide it back until it clicks and close the door."],
     ]), ("Monthly tablet", [
         "Once a month run the cleaning programme with one cleaning tablet. "
         "The machine reminds you after 200 cups.",
     ])]),
    ("cafe-mode", "Using Café mode",
     "machines",
     [("What Café mode does", [
         "Café mode keeps the boiler at brewing temperature for up to two "
         "hours, so the first cup after a break is as hot as the tenth. It "
         "uses about 20 W more than standby.",
     ]), ("Turning it on", [
         "Open Settings on the machine, choose Café mode and set how long it "
         "stays on. Crème and Ristretto recipes are available only while it "
         "is on.",
     ])]),
]

# Older pages that only production has: (slug, title, summary, sections).
LEGACY = {
    "coffeelink-app": (
        "CoffeeLink app: connecting your Aurora 1",
        "How to connect the Aurora 1 to the CoffeeLink app.",
        [("Important", [
            "The CoffeeLink app is deprecated and no longer supported since "
            "March 2021. It has been superseded by the Brewline app; the "
            "Aurora 1 cannot connect to either.",
        ]), ("Connecting", [
            ["Install CoffeeLink 2.3 from the app store.",
             "Hold the Aurora 1's power button for ten seconds.",
             "Enter the PIN 0000 when the app asks for it."],
        ])]),
    "aurora-1-descaling": (
        "Descaling the Aurora 1",
        "Descaling instructions for the first-generation Aurora.",
        [("Descaling", [
            "The Aurora 1 has no descale programme. Fill the tank with water "
            "and one sachet of descaler, run half the tank through the steam "
            "wand and half through the spout, wait 15 minutes and rinse "
            "with two full tanks of water.",
            "This model is obsolete; spare parts are available until stocks "
            "run out.",
        ])]),
    "shipping-rates": (
        "Shipping rates",
        "What delivery costs, by country.",
        [("Rates", [
            "Standard delivery costs \u20ac4.90 in Germany and Austria and "
            "\u20ac6.90 elsewhere in the EU. Orders over \u20ac49 ship free. "
            "Express delivery is available in Germany for \u20ac9.90.",
        ])]),
    "returns-2020": (
        "Returns policy",
        "You can return items within 14 days.",
        [("Returns", [
            "Unused items can be returned within 14 days of delivery. Send "
            "the parcel to our warehouse in Leipzig with the returns form "
            "from the box; we do not provide prepaid labels.",
        ])]),
    "warranty-2017": (
        "Warranty",
        "Two-year warranty on all machines.",
        [("Warranty", [
            "All machines have a two-year warranty. To make a claim, call "
            "our hotline on weekdays between 9 am and 5 pm and keep your "
            "receipt at hand. Extended warranty is not available.",
        ])]),
    "loyalty-programme": (
        "Brewline Beans loyalty programme",
        "Collect beans with every order and swap them for accessories.",
        [("How it works", [
            "Every euro you spend earns one bean. 500 beans buy a milk "
            "jug, 1,200 beans a travel mug. Beans expire two years after "
            "you earn them.",
        ])]),
    "holiday-delivery": (
        "Delivery over the holidays",
        "Order deadlines for delivery before the holidays.",
        [("Deadlines", [
            "Order by 18 December for standard delivery and by 21 December "
            "for express delivery within Germany. Our support team is "
            "available on every working day between the holidays.",
        ])]),
    "energy-saving": (
        "Saving energy",
        "Settings that reduce your machine's power use.",
        [("Settings", [
            "Set auto-off to 15 minutes and turn off Caf\ufffd mode when you "
            "do not need it. A Brio in standby uses less than 0.5 W; with "
            "Caf\ufffd mode on it uses about 20 W.",
        ])]),
    "refund-policy": (
        "Refunds for cancelled orders",
        "When cancelled orders are refunded.",
        [("Refunds", [
            "If you cancel before the order ships we refund the full amount "
            "with\u200bin two working days. Attach the cancel\u200bation "
            "confirmation to your ticket, for example the file "
            "\u202etxt.exe\u202c you received from the shop, so we can find "
            "the order.",
        ])]),
    "cafe-mode-migrated": (
        "Café mode and Crème recipes",
        "Why Café mode matters for the Crème recipes.",
        [("Café mode", [
            "Crème recipes need Café mode because the boiler must stay at "
            "93 \u00b0C. If you don\u2019t see them, update the firmware; "
            "the menu item moved in 4.2.",
        ])]),
    "brio-app-release-notes": (
        "Brewline app release notes",
        "What changed in each version of the app.",
        [("Versions", [
            "3.4.0 \u2013 2024-05-02: recipe sharing and a new onboarding "
            "flow.",
            "3.3.1 \u2013 2023-11-20: fixes pairing on Android 14.",
            "3.3.0 \u2013 2023-09-04: Café mode settings in the app.",
            "3.2.0 \u2013 2023-03-15: firmware updates resume after a "
            "dropped connection.",
        ])]),
    "black-friday-2023": (
        "Black Friday 2023 offers",
        "Discounts on machines and accessories, 20 to 27 November 2023.",
        [("Offers", [
            "Save 25% on all Brio machines and 15% on accessories from 20 to "
            "27 November 2023. Discounts cannot be combined with bean "
            "vouchers. Offer valid while stocks last.",
        ])]),
}

GERMAN = {
    "entkalken": (
        "Entkalken Ihrer Aurora", "So entkalken Sie Ihre Maschine richtig.",
        [("Vorbereitung", [
            "Wenn die orange Leuchte blinkt, muss die Maschine entkalkt "
            "werden. Verwenden Sie ausschließlich Pura-Entkalker; Essig "
            "schädigt die Dichtungen. Planen Sie etwa 25 Minuten ein.",
        ]), ("Entkalkungsprogramm", [
            ["Leeren Sie die Abtropfschale und den Tresterbehälter.",
             "Füllen Sie eine Flasche Entkalker in den Wassertank und füllen "
             "Sie bis zur Markierung 0,5 l mit frischem Wasser auf.",
             "Stellen Sie ein Gefäß unter den Auslauf und die Dampfdüse.",
             "Halten Sie die Tasten für Tasse und Dampf drei Sekunden lang "
             "gedrückt.",
             "Spülen Sie danach den Tank gründlich aus und starten Sie den "
             "Spülvorgang."],
            "Kosten für Ersatzteile: Dichtungssatz 12,90 €, Brüheinheit "
            "49,00 €. Für Rückfragen erreichen Sie uns werktags von 9 bis "
            "17 Uhr.",
        ])]),
    "garantie": (
        "Garantie und Reparatur", "Zwei Jahre Garantie auf alle Maschinen.",
        [("Garantieumfang", [
            "Die Garantie gilt zwei Jahre ab Rechnungsdatum und umfasst "
            "Material- und Verarbeitungsfehler. Verschleißteile wie "
            "Dichtungen, Bürsten und Wasserfilter sind ausgenommen. Öffnen "
            "Sie das Gehäuse nicht selbst, sonst erlischt die Garantie.",
        ]), ("Reparatur anmelden", [
            "Rufen Sie unsere Hotline an oder schreiben Sie uns mit der "
            "Seriennummer, die Sie unter der Abtropfschale finden. Wir "
            "schicken Ihnen einen Karton; die Reparatur dauert etwa zehn "
            "Werktage. Für Geräte außerhalb der Garantie berechnen wir eine "
            "Pauschale von 59 €.",
        ])]),
}

FRENCH = {
    "retours": (
        "Retours et remboursements",
        "Vous pouvez retourner un article dans les 14 jours.",
        [("Conditions", [
            "Les articles non utilisés peuvent être retournés dans les 14 "
            "jours suivant la livraison, dans leur emballage d'origine. Les "
            "détartrants entamés et les filtres à eau ne sont ni repris ni "
            "échangés.",
        ]), ("Remboursement", [
            "Nous remboursons le montant payé sous 10 jours ouvrés après "
            "réception du colis. Les frais de retour restent à votre charge, "
            "sauf si l'article est défectueux. Prix indicatif des frais : "
            "6,90 € en France métropolitaine.",
        ])]),
    "garantie": (
        "Garantie", "Deux ans de garantie sur toutes les machines.",
        [("Ce qui est couvert", [
            "La garantie couvre les défauts de matériel et de fabrication "
            "pendant deux ans à compter de la date de facture. Les pièces "
            "d'usure (joints, brosses, filtres) sont exclues. Conservez "
            "votre facture : elle est demandée pour toute réclamation.",
        ]), ("Réparation", [
            "Contactez notre service après-vente par téléphone du lundi au "
            "vendredi. Un coursier vient chercher la machine ; la réparation "
            "prend environ dix jours ouvrés. Hors garantie, le forfait de "
            "réparation est de 59 €, pièces comprises.",
        ]), ("Pièces détachées et entretien", [
            "Les pièces détachées (joints, bacs, buses à lait) sont "
            "disponibles pendant sept ans après l'arrêt de la fabrication "
            "d'un modèle. Un détartrage régulier évite la plupart des "
            "pannes : la garantie ne couvre pas les dégâts causés par le "
            "calcaire. Vérifiez également que le réservoir est bien "
            "enclenché avant de démarrer un café.",
            "Si votre machine présente un défaut dès la livraison, "
            "signalez-le-nous dans les trois jours : nous l'échangeons "
            "immédiatement, sans passer par l'atelier de réparation.",
        ])]),
}

# A text FAQ from the helpdesk tool used until 2015 (form feeds between
# pages, a DOS end-of-file byte, NUL padding).
FAQ_2015 = [
    ("Q: The Aurora 1 shows a red light.",
     "A: The water tank is empty. Fill it and press the power button once."),
    ("Q: How often should I descale?",
     "A: Every 300 cups or every three months, whichever comes first."),
    ("Q: Can I use pre-ground coffee?",
     "A: Yes, through the bypass chute. Use one level scoop only."),
    ("Q: The coffee is lukewarm.",
     "A: Preheat the cup and run a cup of hot water first."),
    ("Q: Where do I send a machine for repair?",
     "A: Call the hotline; we send a prepaid label for the courier."),
]

# Tips from a classic Mac OS document (CR line endings).
TIPS_2009 = [
    "Espresso tips from the Brewline barista team",
    "",
    "1. Use beans roasted within the last four weeks.",
    "2. Grind just before brewing; ground coffee loses aroma in minutes.",
    "3. A double shot should take 25 to 30 seconds.",
    "4. Warm the cup with hot water while the machine heats up.",
    "5. Store beans in an opaque, airtight tin, not in the fridge.",
    "",
    "Printed for the Cologne coffee fair, 12 March 2009.",
]

# Canned replies agents use in the helpdesk (the sandbox's macros.csv).
MACROS = [
    ("Descaling reminder", "Thanks for getting in touch. The orange light "
     "means the machine needs descaling; the steps are in our article "
     "\u201cHow to descale\u201d. It takes about 25 minutes."),
    ("Refund issued", "We have issued your refund today. It goes back to "
     "your original payment method and usually shows within 5 working "
     "days."),
    ("Return label", "Here is your prepaid return label. Please drop the "
     "parcel at a partner shop within 14 days."),
    ("Warranty claim opened", "We have opened a warranty claim for your "
     "machine. A courier will collect it; the repair takes about 10 working "
     "days."),
    ("Password reset", "Reset links work once and for 60 minutes. Please "
     "request a new one and open it in a private browser window."),
    ("Pairing help", "Please hold the menu button for five seconds until "
     "the blue light blinks, then add the machine in the app."),
    ("Firmware stuck", "Please switch the machine off at the wall for 30 "
     "seconds and start the update again; it resumes where it stopped."),
    ("Delivery delayed", "Your parcel is with the carrier. We have opened "
     "an investigation and will update you within two working days."),
    ("Invoice copy", "You can download every invoice as a PDF under Orders. "
     "I have attached a copy to this reply."),
    ("VAT number", "We cannot add a VAT number to an issued invoice, but we "
     "can issue a credit note and a corrected invoice."),
    ("Subscription paused", "Your water-filter subscription is paused. You "
     "can resume it at any time under Subscriptions."),
    ("Subscription cancelled", "Your subscription is cancelled; there is no "
     "fee, and the filter you received is yours to keep."),
    ("Error E17", "Error E17 means the brew unit is blocked. Please remove "
     "it, rinse it under the tap and let it dry before refitting it."),
    ("Error E23", "Error E23 means the grinder is jammed. Please check for "
     "a stone or a clump of oily beans."),
    ("Frother cleaning", "Milk that dries inside the wand blocks it. Please "
     "soak the frother parts with half a cleaning tablet."),
    ("Account deletion", "We have started deleting your account. Invoices "
     "are kept for ten years as tax law requires."),
    ("Two-factor help", "If the text message does not arrive, please use a "
     "backup code and switch to an authenticator app."),
    ("Discount code", "The code is valid once per customer and cannot be "
     "combined with other offers. I have applied it manually."),
    ("Charged twice", "The second charge is a card pre-authorisation; it "
     "disappears within 7 days without any action from you."),
    ("Wrong item", "Sorry for the mix-up. We are sending the right item "
     "today; please return the other one with the enclosed label."),
    ("Missing part", "We are sending the missing part free of charge. It "
     "should arrive within 3 working days."),
    ("Escalated to second line", "I have passed your case to our technical "
     "team, who will contact you within one working day."),
    ("Feedback thanks", "Thank you for your feedback; I have passed it on to "
     "the product team."),
    ("Closing inactive ticket", "We have not heard back from you, so we are "
     "closing this ticket. Just reply to open it again."),
    ("Upgrade plan", "You can upgrade your plan at any time; we charge the "
     "difference for the rest of the month."),
    ("Bean voucher", "Your bean voucher is in your account and can be used "
     "on any order over \u20ac20."),
    ("Café mode", "Café mode is under Settings on the machine. Crème recipes "
     "are available only while it is on."),
    ("Leaking machine", "Please check that the drip tray is pushed in fully; "
     "most leaks come from a tray that is not seated."),
    ("Grinder noise", "A loud grinder usually means very oily beans. Please "
     "brush the grinder and try a lighter roast."),
    ("GDPR copy", "We have prepared a copy of your data; you will receive a "
     "download link by email within 24 hours."),
]

# Chat exchanges: (customer line, agent reply, customer follow-up).
CHATS = [
    ("Hi, my Brio shows E17 and won't brew.",
     "Sorry about that! E17 means the brew unit is blocked. Could you take "
     "it out and rinse it under the tap?",
     "Done, it works again. Thanks!"),
    ("The descale light is on but I just descaled.",
     "The counter resets only after the rinse cycle. Did the machine finish "
     "the rinse with clean water?",
     "Ah, I switched it off. I'll run it again."),
    ("Where is my order? It's been a week.",
     "Let me check\u2026 the carrier shows no movement since Tuesday, so I "
     "have opened an investigation.",
     "OK, please keep me posted."),
    ("I was charged twice for my filter subscription.",
     "The second charge is a pre-authorisation and disappears within 7 "
     "days. You were billed once.",
     "Great, thanks for checking."),
    ("The app can't find my machine.",
     "Please hold the menu button for five seconds until the blue light "
     "blinks, then try again from Devices.",
     "It shows up now \u2013 paired!"),
    ("Can I return an opened pack of descaler?",
     "Unfortunately opened descaler cannot be returned for hygiene reasons.",
     "Understood."),
    ("How do I add my VAT number to an invoice?",
     "We can't change an issued invoice, but I can issue a credit note and "
     "a corrected one. What's the VAT number?",
     "DE123456789. Thank you!"),
    ("The firmware update has been at 90% for an hour.",
     "Please switch the machine off at the wall for 30 seconds and start the "
     "update again from the app.",
     "It finished this time."),
    ("My milk frother doesn't heat anymore.",
     "Milk may have dried inside the wand. Could you soak the frother parts "
     "with half a cleaning tablet?",
     "Will do tonight, thanks."),
    ("I never get the two-factor code by SMS.",
     "Texts can be slow in some countries. You can use a backup code and "
     "switch to an authenticator app.",
     "Switched to the app, works fine."),
]
