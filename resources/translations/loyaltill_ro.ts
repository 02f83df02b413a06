<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ro_RO" sourcelanguage="en">
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="+64"/>
        <location line="+4"/>
        <location line="+11"/>
        <source>LoyalTill</source>
        <translation>LoyalTill</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>%1 cannot be used as the till&apos;s database (%2). Choose another file with --db.</source>
        <translation>%1 nu poate fi folosit ca bază de date a casei (%2). Alegeți alt fișier cu --db.</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <location filename="../../ui/whatif_dialog.py" line="+42"/>
        <source>Simulated</source>
        <translation>Simulat</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Actual</source>
        <translation>Real</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Run the replay to see the chart.</source>
        <translation>Porniți recalcularea pentru a vedea graficul.</translation>
    </message>
</context>
<context>
    <name>CardsDialog</name>
    <message>
        <location filename="../../ui/print_dialogs.py" line="+172"/>
        <source>Membership cards</source>
        <translation>Carduri de membru</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Blank cards, numbered (given at registration)</source>
        <translation>Carduri goale, numerotate (se dau la înregistrare)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members who joined in the last 7 days</source>
        <translation>Membri înscriși în ultimele 7 zile</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members of one tier</source>
        <translation>Membrii unui nivel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All members</source>
        <translation>Toți membrii</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These members (card numbers or ids)</source>
        <translation>Acești membri (numere de card sau id-uri)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>cards</source>
        <translation>carduri</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>2700100000013, 2700100000020 …</source>
        <translation>2700100000013, 2700100000020 …</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Print the member&apos;s name on the card</source>
        <translation>Tipărește numele membrului pe card</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A4 sheet of 10, with crop marks</source>
        <translation>Coală A4 cu 10 carduri, cu semne de tăiere</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One card per page (card printer)</source>
        <translation>Un card pe pagină (imprimantă de carduri)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layout</source>
        <translation>Așezare</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shop logo…</source>
        <translation>Sigla magazinului…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Preview</source>
        <translation>Previzualizare</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save PDF…</source>
        <translation>Salvează PDF…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Print</source>
        <translation>Tipărește</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Închide</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Preparing the cards…</source>
        <translation>Se pregătesc cardurile…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Save cards PDF</source>
        <translation>Salvează cardurile în PDF</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 cards on %2 pages saved to %3.</source>
        <translation>%1 carduri pe %2 pagini salvate în %3.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 cards sent to the printer.</source>
        <translation>%1 carduri trimise la imprimantă.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shop logo</source>
        <translation>Sigla magazinului</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pictures (*.png *.jpg *.jpeg)</source>
        <translation>Imagini (*.png *.jpg *.jpeg)</translation>
    </message>
</context>
<context>
    <name>CashierWindow</name>
    <message>
        <location filename="../../ui/cashier.py" line="+60"/>
        <source>LoyalTill — %1</source>
        <translation>LoyalTill — %1</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Scan or type barcode, name, SKU — Enter adds</source>
        <translation>Scanați sau tastați cod de bare, denumire, cod articol — Enter adaugă</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Pay</source>
        <translation>Plată</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Find member</source>
        <translation>Caută client</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New member</source>
        <translation>Client nou</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity</source>
        <translation>Cantitate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove line</source>
        <translation>Șterge rândul</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redeem points</source>
        <translation>Folosește puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Park sale</source>
        <translation>Pune deoparte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recall sale</source>
        <translation>Reia bonul</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discount (manager)</source>
        <translation>Reducere (manager)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return (manager)</source>
        <translation>Retur (manager)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear member / cancel</source>
        <translation>Scoate clientul / anulează</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+332"/>
        <source>Cancel sale</source>
        <translation>Anulează bonul</translation>
    </message>
    <message>
        <location line="-331"/>
        <source>More…</source>
        <translation>Mai mult…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Till %1</source>
        <translation>Casa %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Still saving the last sale: scan that again in a moment.</source>
        <translation>Bonul anterior încă se salvează: scanați din nou peste o clipă.</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Card misread (wrong check digit): scan it again.</source>
        <translation>Card citit greșit (cifră de control greșită): scanați din nou.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Nothing found for “%1”.</source>
        <translation>Nimic găsit pentru „%1”.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Added: %1 (now %2)</source>
        <translation>Adăugat: %1 (acum %2)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Coupon %1: %2</source>
        <translation>Cupon %1: %2</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Member: %1</source>
        <translation>Client: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Points to use were reset.</source>
        <translation>Punctele de folosit au fost resetate.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>There is no line to change.</source>
        <translation>Nu există niciun rând de modificat.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Removed: %1</source>
        <translation>Șters: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scan the member&apos;s card first.</source>
        <translation>Scanați mai întâi cardul clientului.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No points can be used on this sale.</source>
        <translation>Pe acest bon nu se pot folosi puncte.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 will pay part of the bill.</source>
        <translation>%1 vor achita o parte din bon.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+119"/>
        <source>Scan the items first.</source>
        <translation>Scanați mai întâi produsele.</translation>
    </message>
    <message>
        <location line="-112"/>
        <source>Manual discount %1 applied.</source>
        <translation>Reducerea manuală de %1 a fost aplicată.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sale parked. F7 brings it back.</source>
        <translation>Bon pus deoparte. F7 îl readuce.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pay or park the sale on screen first.</source>
        <translation>Mai întâi achitați sau puneți deoparte bonul de pe ecran.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No parked sales.</source>
        <translation>Nu există bonuri puse deoparte.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Parked sale recalled; coupon no longer valid: %1.</source>
        <translation>Bonul pus deoparte a fost reluat; cuponul nu mai este valabil: %1.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Parked sale recalled.</source>
        <translation>Bonul pus deoparte a fost reluat.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Member removed from this sale.</source>
        <translation>Clientul a fost scos de pe bon.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel this sale and clear the screen?</source>
        <translation>Anulați acest bon și goliți ecranul?</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sale cancelled.</source>
        <translation>Bon anulat.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Welcome, %1! Card %2.</source>
        <translation>Bun venit, %1! Card %2.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Find the member first (F2).</source>
        <translation>Găsiți mai întâi clientul (F2).</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Saving the sale…</source>
        <translation>Se salvează bonul…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Sale %1 complete. Change %2.</source>
        <translation>Bonul %1 este achitat. Rest %2.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next-visit coupon on the receipt: %1.</source>
        <translation>Cupon pentru următoarea vizită pe bon: %1.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save receipt PDF</source>
        <translation>Salvează bonul PDF</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Receipt saved: %1</source>
        <translation>Bon salvat: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No receipt printer is set up: use “Save receipt PDF”, or set a printer up under More… (F10).</source>
        <translation>Nu este configurată nicio imprimantă de bonuri: folosiți „Salvează bonul PDF” sau configurați o imprimantă din Mai mult… (F10).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Still printing the last receipt: wait a moment.</source>
        <translation>Bonul anterior încă se tipărește: așteptați puțin.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Printing the receipt…</source>
        <translation>Se tipărește bonul…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The sale is saved; reprint it from Receipts (F10).</source>
        <translation>Vânzarea este salvată; retipăriți bonul din Bonuri (F10).</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Receipt %1 printed.</source>
        <translation>Bonul %1 a fost tipărit.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No sale yet on this screen: find older receipts under More… (F10).</source>
        <translation>Încă nicio vânzare pe acest ecran: bonurile vechi sunt în Mai mult… (F10).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Receipts: reprint, save, return…</source>
        <translation>Bonuri: retipărire, salvare, retur…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Membership cards…</source>
        <translation>Carduri de membru…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt printer…</source>
        <translation>Imprimanta de bonuri…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loyalty programme (owner)…</source>
        <translation>Programul de fidelitate (proprietar)…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Return done: give back %1.</source>
        <translation>Retur efectuat: restituiți %1.</translation>
    </message>
</context>
<context>
    <name>CompletionPanel</name>
    <message>
        <location filename="../../ui/totals_panel.py" line="+76"/>
        <source>Paid</source>
        <translation>Achitat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>Puncte câștigate</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points used</source>
        <translation>Puncte folosite</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New balance</source>
        <translation>Sold nou</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change</source>
        <translation>Rest</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save receipt PDF</source>
        <translation>Salvează bonul PDF</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Print receipt</source>
        <translation>Tipărește bonul</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next customer</source>
        <translation>Clientul următor</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sale %1 done</source>
        <translation>Bonul %1 achitat</translation>
    </message>
</context>
<context>
    <name>DiscountDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="+108"/>
        <source>Manual discount</source>
        <translation>Reducere manuală</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Discount on every item of this sale (a manager&apos;s PIN is needed).</source>
        <translation>Reducere la toate produsele de pe bon (este nevoie de PIN-ul managerului).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Apply discount</source>
        <translation>Aplică reducerea</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/errors.py" line="+25"/>
        <source>{card} is not a card number (13 digits).</source>
        <translation>{card} nu este un număr de card (13 cifre).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card misread (wrong check digit): scan it again or type it.</source>
        <translation>Card citit greșit (cifră de control greșită): scanați din nou sau tastați-l.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is not one of this shop&apos;s cards.</source>
        <translation>Cardul {card} nu aparține acestui magazin.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is blocked (reported lost). Ask for the new card or find the member by phone.</source>
        <translation>Cardul {card} este blocat (declarat pierdut). Cereți cardul nou sau căutați clientul după telefon.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} has not been given to anyone yet. Register a member with it (F3).</source>
        <translation>Cardul {card} nu a fost încă dat nimănui. Înregistrați un client cu el (F3).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{card} is not one of this shop&apos;s cards.</source>
        <translation>{card} nu este un card al acestui magazin.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} already belongs to someone.</source>
        <translation>Cardul {card} aparține deja altcuiva.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till has used up its card numbers.</source>
        <translation>Această casă a epuizat numerele de card.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No product with barcode {barcode}.</source>
        <translation>Niciun produs cu codul de bare {barcode}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong PIN.</source>
        <translation>PIN greșit.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A PIN is 4 to 8 digits.</source>
        <translation>PIN-ul are între 4 și 8 cifre.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Another person already uses this PIN; choose another.</source>
        <translation>Altcineva folosește deja acest PIN; alegeți altul.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This needs a manager&apos;s PIN.</source>
        <translation>Este nevoie de PIN-ul managerului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only the shop&apos;s owner can do this: sign in with the owner&apos;s PIN.</source>
        <translation>Doar proprietarul magazinului poate face asta: autentificați-vă cu PIN-ul proprietarului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity must be 1 to {max}.</source>
        <translation>Cantitatea trebuie să fie între 1 și {max}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A discount is between 0 and 100 %.</source>
        <translation>Reducerea este între 0 și 100 %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sale has no items.</source>
        <translation>Bonul nu are produse.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is nothing to park.</source>
        <translation>Nu este nimic de pus deoparte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That parked sale was already recalled.</source>
        <translation>Acest bon pus deoparte a fost deja reluat.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pay by cash or card.</source>
        <translation>Plătiți numerar sau cu cardul.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A payment cannot be negative.</source>
        <translation>O plată nu poate fi negativă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The card payment is more than the bill.</source>
        <translation>Plata cu cardul depășește totalul bonului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>More money is needed to pay the bill.</source>
        <translation>Suma nu ajunge pentru achitarea bonului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points to redeem cannot be negative.</source>
        <translation>Punctele folosite nu pot fi negative.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan a member&apos;s card to pay with points.</source>
        <translation>Scanați cardul clientului pentru a plăti cu puncte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At most {points} points can be used on this sale.</source>
        <translation>Pe acest bon se pot folosi cel mult {points} puncte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points are redeemed in steps of {step}.</source>
        <translation>Punctele se folosesc în multipli de {step}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the member&apos;s name.</source>
        <translation>Introduceți numele clientului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter a phone number.</source>
        <translation>Introduceți un număr de telefon.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{phone} is not a phone number we can use.</source>
        <translation>{phone} nu este un număr de telefon valid.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A member with phone {phone} already exists: find them instead.</source>
        <translation>Există deja un client cu telefonul {phone}: căutați-l.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That birthday cannot be right.</source>
        <translation>Această dată de naștere nu poate fi corectă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No sale with receipt {ref}.</source>
        <translation>Nu există bonul {ref}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everything on this receipt was already returned.</source>
        <translation>Toate produsele de pe acest bon au fost deja returnate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return at least one of each item.</source>
        <translation>Returnați cel puțin o bucată din fiecare produs.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Item {barcode} is not on this receipt.</source>
        <translation>Produsul {barcode} nu este pe acest bon.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>More of item {barcode} than is left to return on this receipt.</source>
        <translation>Din produsul {barcode} se cer mai multe decât au rămas de returnat pe bon.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give the shop a name.</source>
        <translation>Dați un nume magazinului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot write the receipt there: choose another folder or a USB stick.</source>
        <translation>Bonul nu poate fi scris acolo: alegeți alt dosar sau un stick USB.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till is not set up yet.</source>
        <translation>Această casă nu este încă configurată.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The demo goes into an empty database; this one already has a shop.</source>
        <translation>Demo-ul se creează doar într-o bază goală; aceasta are deja un magazin.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Currency must be one of RUB, MDL, RON, EUR.</source>
        <translation>Moneda trebuie să fie una dintre: RUB, MDL, RON, EUR.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language must be Russian, Romanian or English.</source>
        <translation>Limba: rusă, română sau engleză.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The card prefix must be two digits from 20 to 29.</source>
        <translation>Prefixul cardurilor are două cifre, de la 20 la 29.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role must be cashier, manager or owner.</source>
        <translation>Rolul: casier, manager sau proprietar.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A till number must be 0–999.</source>
        <translation>Numărul casei este între 0 și 999.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the owner&apos;s name.</source>
        <translation>Introduceți numele proprietarului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An earlier demo build into this file was interrupted: delete the file and build the demo again.</source>
        <translation>O construire anterioară a demo-ului în acest fișier a fost întreruptă: ștergeți fișierul și construiți din nou.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paying with points is switched off in this programme.</source>
        <translation>Plata cu puncte este dezactivată în acest program.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member owes points; paying with points is blocked until new purchases cover it.</source>
        <translation>Clientul are datorie de puncte; plata cu puncte este blocată până când noile cumpărături o acoperă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points can be used from a balance of {least}; this member has {balance}.</source>
        <translation>Punctele pot fi folosite de la un sold de {least}; clientul are {balance}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No points can be used on these items.</source>
        <translation>Pentru aceste produse nu se pot folosi puncte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member is no longer on this till.</source>
        <translation>Acest client nu mai există pe această casă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An adjustment of zero points changes nothing.</source>
        <translation>O ajustare de zero puncte nu schimbă nimic.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Say why the balance is adjusted.</source>
        <translation>Scrieți motivul ajustării soldului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{card} is not a valid card number (check digit).</source>
        <translation>{card} nu este un număr de card valid (cifra de control).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print between 1 and {max} blank cards at a time.</source>
        <translation>Tipăriți între 1 și {max} carduri goale o dată.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose whose cards to print.</source>
        <translation>Alegeți ale cui carduri se tipăresc.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There are no cards to print.</source>
        <translation>Nu sunt carduri de tipărit.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose an A4 sheet or single cards.</source>
        <translation>Alegeți o coală A4 sau carduri separate.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No member {ref}: give a member id or a card number.</source>
        <translation>Niciun membru {ref}: dați un id de membru sau un număr de card.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{file} is not a picture LoyalTill can read (PNG or JPEG).</source>
        <translation>{file} nu este o imagine pe care LoyalTill o poate citi (PNG sau JPEG).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The logo file is over 2 MB: save it smaller.</source>
        <translation>Fișierul siglei depășește 2 MB: salvați-l mai mic.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt width must be 58 mm, 80 mm or A4.</source>
        <translation>Lățimea bonului este 58 mm, 80 mm sau A4.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown printer setting.</source>
        <translation>Setare de imprimantă necunoscută.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose one of the code pages in the list.</source>
        <translation>Alegeți o pagină de cod din listă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>USB printer: give vendor:product in hex, like 0416:5011.</source>
        <translation>Imprimantă USB: dați vendor:product în hexazecimal, de ex. 0416:5011.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network printer: give its address, like 192.168.1.50.</source>
        <translation>Imprimantă de rețea: dați adresa ei, de ex. 192.168.1.50.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network printer: the port is a number from 1 to 65535 (usually 9100).</source>
        <translation>Imprimantă de rețea: portul este un număr de la 1 la 65535 (de obicei 9100).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial printer: give the port, like /dev/ttyUSB0 or COM3.</source>
        <translation>Imprimantă serială: dați portul, de ex. /dev/ttyUSB0 sau COM3.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial printer: the speed is 9600, 19200, 38400, 57600 or 115200.</source>
        <translation>Imprimantă serială: viteza este 9600, 19200, 38400, 57600 sau 115200.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The receipt printer is not answering. Check that it is on and connected.</source>
        <translation>Imprimanta de bonuri nu răspunde. Verificați că este pornită și conectată.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The printer {name} is not installed on this computer: choose another under More… (F10) → Receipt printer.</source>
        <translation>Imprimanta {name} nu este instalată pe acest calculator: alegeți alta din Mai mult… (F10) → Imprimanta de bonuri.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A thermal printer takes 58 or 80 mm rolls, not A4.</source>
        <translation>O imprimantă termică folosește role de 58 sau 80 mm, nu A4.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This computer has no printer set up.</source>
        <translation>Acest calculator nu are nicio imprimantă configurată.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The receipt printer is out of paper. Load a new roll and print again.</source>
        <translation>Imprimanta de bonuri nu mai are hârtie. Puneți o rolă nouă și tipăriți din nou.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The printer stopped or refused the job. Check it, then reprint.</source>
        <translation>Imprimanta s-a oprit sau a refuzat lucrarea. Verificați-o, apoi retipăriți.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No receipt printer is set up: save the receipt as PDF, or set a printer up.</source>
        <translation>Nu este configurată nicio imprimantă de bonuri: salvați bonul ca PDF sau configurați o imprimantă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The hub cannot be reached: sales are kept on this till and sent when it is back.</source>
        <translation>Serverul rețelei nu răspunde: vânzările rămân pe această casă și se trimit când revine legătura.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The hub does not accept this till&apos;s token: ask the owner for a new one.</source>
        <translation>Serverul rețelei nu acceptă cheia acestei case: cereți proprietarului una nouă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The hub had a problem; sales are kept on this till and sent later.</source>
        <translation>Serverul rețelei a avut o problemă; vânzările rămân pe această casă și se trimit mai târziu.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till is not connected to a hub.</source>
        <translation>Această casă nu este conectată la serverul rețelei.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline, at most {points} points can be used now (the balance may be out of date).</source>
        <translation>Fără legătură, se pot folosi acum cel mult {points} puncte (soldul poate fi depășit).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only {points} points were set aside at the hub.</source>
        <translation>Doar {points} puncte au fost rezervate pe server.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain&apos;s records show only {points} points available.</source>
        <translation>Conform rețelei sunt disponibile doar {points} puncte.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the disk is full. Free some space, then try again; the sale stays on screen.</source>
        <translation>Nu s-a salvat nimic: discul este plin. Eliberați spațiu și încercați din nou; bonul rămâne pe ecran.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the disk failed to read or write. Check the drive, then try again; the sale stays on screen.</source>
        <translation>Nu s-a salvat nimic: eroare de citire sau scriere pe disc. Verificați unitatea și încercați din nou; bonul rămâne pe ecran.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: another program holds the till&apos;s file. Close it, then try again.</source>
        <translation>Nu s-a salvat nimic: fișierul casei este folosit de alt program. Închideți-l și încercați din nou.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the till&apos;s file is read-only. Check its permissions, then try again.</source>
        <translation>Nu s-a salvat nimic: fișierul casei este doar pentru citire. Verificați permisiunile și încercați din nou.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the till&apos;s file cannot be opened. Check the drive, then try again.</source>
        <translation>Nu s-a salvat nimic: fișierul casei nu poate fi deschis. Verificați unitatea și încercați din nou.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No loyalty programme is set up yet: open the owner&apos;s settings first.</source>
        <translation>Programul de fidelitate nu este configurat încă: deschideți mai întâi setările proprietarului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no programme version {version}.</source>
        <translation>Nu există versiunea {version} a programului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The programme file cannot be read: {detail}</source>
        <translation>Fișierul programului nu poate fi citit: {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The programme file has settings this LoyalTill does not know: {keys}.</source>
        <translation>Fișierul programului are setări pe care această versiune LoyalTill nu le cunoaște: {keys}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The programme file&apos;s setting {key} has the wrong kind of value ({value}): amounts and points are whole numbers.</source>
        <translation>În fișierul programului, setarea {key} are o valoare de alt fel ({value}): sumele și punctele sunt numere întregi.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field} must be 0–100 %, not {value} %.</source>
        <translation>{field}: trebuie să fie între 0 și 100 %, nu {value} %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A point must be worth at least 0.01.</source>
        <translation>Un punct trebuie să valoreze cel puțin 0,01.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points are used in steps of at least one.</source>
        <translation>Punctele se folosesc în pași de cel puțin unu.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field} cannot be negative.</source>
        <translation>{field}: nu poate fi negativ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers must count spend over at least one day.</source>
        <translation>Nivelurile trebuie să numere cumpărăturile pe cel puțin o zi.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The birthday window is 0 to 31 days.</source>
        <translation>Fereastra de zi de naștere este de 0 până la 31 de zile.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The welcome bonus comes on registration or with the first purchase.</source>
        <translation>Bonusul de bun venit se acordă la înregistrare sau la prima cumpărătură.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points would expire before they can be spent: make the waiting time shorter than the expiry.</source>
        <translation>Punctele ar expira înainte de a putea fi folosite: faceți așteptarea mai scurtă decât expirarea.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown time zone {zone}.</source>
        <translation>Fus orar necunoscut: {zone}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promotion {promotion} keeps hours or weekdays: give the shop&apos;s time zone (e.g. Europe/Moscow), or its hours would run on UTC.</source>
        <translation>Promoția {promotion} are ore sau zile ale săptămânii: indicați fusul orar al magazinului (de ex. Europe/Chisinau), altfel orele vor fi socotite în UTC.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every tier needs a code.</source>
        <translation>Fiecare nivel are nevoie de un cod.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two tiers have the code {tier}.</source>
        <translation>Două niveluri au codul {tier}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier {tier}: the spend it starts from cannot be negative.</source>
        <translation>Nivelul {tier}: pragul de cumpărături nu poate fi negativ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers {other} and {tier} start at the same spend: they overlap.</source>
        <translation>Nivelurile {other} și {tier} încep de la aceeași sumă: se suprapun.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier {tier}: a percentage must be 0–100 %.</source>
        <translation>Nivelul {tier}: procentul trebuie să fie între 0 și 100 %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every promotion needs a code.</source>
        <translation>Fiecare promoție are nevoie de un cod.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two promotions have the code {name}.</source>
        <translation>Două promoții au codul {name}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: unknown kind of promotion.</source>
        <translation>{name}: tip de promoție necunoscut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: the discount must be over 0 and at most 100 %.</source>
        <translation>{name}: reducerea trebuie să fie peste 0 și cel mult 100 %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: the multiplier must be over ×1 and at most ×10.</source>
        <translation>{name}: multiplicatorul trebuie să fie peste ×1 și cel mult ×10.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: give at least one point.</source>
        <translation>{name}: acordați cel puțin un punct.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: buy and get must both be at least 1.</source>
        <translation>{name}: „cumpără” și „primește” trebuie să fie cel puțin 1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: the hours must run from 0–23 to a later hour, up to 24.</source>
        <translation>{name}: orele trebuie să meargă de la 0–23 la o oră mai târzie, până la 24.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: weekdays run from Monday to Sunday.</source>
        <translation>{name}: zilele săptămânii sunt de luni până duminică.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: a minimum cannot be negative.</source>
        <translation>{name}: un minim nu poate fi negativ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: there is no tier {tier}.</source>
        <translation>{name}: nu există nivelul {tier}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: a date must be written YYYY-MM-DD.</source>
        <translation>{name}: data trebuie scrisă AAAA-LL-ZZ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} ends before it starts.</source>
        <translation>{name} se termină înainte să înceapă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} ended on {ends}: it would never apply.</source>
        <translation>{name} s-a încheiat pe {ends}: nu s-ar aplica niciodată.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every coupon needs a code.</source>
        <translation>Fiecare cupon are nevoie de un cod.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two coupons have the code {coupon}.</source>
        <translation>Două cupoane au codul {coupon}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} names no promotion of this programme ({promotion}).</source>
        <translation>Cuponul {coupon} nu numește nicio promoție a acestui program ({promotion}).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon}: limits cannot be negative.</source>
        <translation>Cuponul {coupon}: limitele nu pot fi negative.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {name}: a date must be written YYYY-MM-DD.</source>
        <translation>Cuponul {name}: data trebuie scrisă AAAA-LL-ZZ.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {name} ends before it starts.</source>
        <translation>Cuponul {name} se termină înainte să înceapă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} is not valid today.</source>
        <translation>Cuponul {coupon} nu este valabil astăzi.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The next-visit coupon names no promotion of this programme ({promotion}).</source>
        <translation>Cuponul pentru următoarea vizită nu numește nicio promoție a acestui program ({promotion}).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A next-visit coupon must be valid for at least one day.</source>
        <translation>Cuponul pentru următoarea vizită trebuie să fie valabil cel puțin o zi.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: “{text}” is not a percentage.</source>
        <translation>{field}: „{text}” nu este un procent.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: “{text}” is not an amount.</source>
        <translation>{field}: „{text}” nu este o sumă.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot write {path}: choose another folder.</source>
        <translation>Nu se poate scrie {path}: alegeți alt dosar.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot read {path}.</source>
        <translation>Nu se poate citi {path}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a row first.</source>
        <translation>Alegeți mai întâi un rând.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the coupon&apos;s code.</source>
        <translation>Introduceți codul cuponului.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} has been used up.</source>
        <translation>Cuponul {coupon} a fost epuizat.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} is for members: scan the card first.</source>
        <translation>Cuponul {coupon} este pentru membri: scanați mai întâi cardul.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member has already used coupon {coupon}.</source>
        <translation>Acest membru a folosit deja cuponul {coupon}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no coupon {coupon}.</source>
        <translation>Nu există cuponul {coupon}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} belongs to another member&apos;s card.</source>
        <translation>Cuponul {coupon} aparține cardului altui membru.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} is already on this sale.</source>
        <translation>Cuponul {coupon} este deja pe această vânzare.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A member cannot refer themselves.</source>
        <translation>Un membru nu se poate recomanda pe sine.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No member with card or phone {ref} to credit the referral to.</source>
        <translation>Nu există membru cu cardul sau telefonul {ref} căruia să i se acorde recomandarea.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There are no sales to replay yet.</source>
        <translation>Încă nu există vânzări de recalculat.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The period ends before it starts.</source>
        <translation>Perioada se termină înainte să înceapă.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Member discount</source>
        <translation>Reducerea membrului</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for each purchase</source>
        <translation>Puncte pentru fiecare cumpărătură</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points pay at most</source>
        <translation>Cu puncte se plătește cel mult</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All discounts together</source>
        <translation>Toate reducerile împreună</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday discount</source>
        <translation>Reducere de ziua de naștere</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum balance for points</source>
        <translation>Sold minim pentru puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome bonus</source>
        <translation>Bonus de bun venit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday bonus</source>
        <translation>Bonus de ziua de naștere</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral points</source>
        <translation>Puncte pentru recomandare</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral points for the new member</source>
        <translation>Puncte pentru noul membru recomandat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points expiry</source>
        <translation>Expirarea punctelor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting time for new points</source>
        <translation>Așteptarea punctelor noi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon minimum bill</source>
        <translation>Bonul minim pentru cuponul următoarei vizite</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Unexpected error</source>
        <translation>Eroare neașteptată</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unexpected error. The sale on screen is kept; please tell the shop&apos;s support.</source>
        <translation>Eroare neașteptată. Bonul de pe ecran este păstrat; anunțați suportul magazinului.</translation>
    </message>
</context>
<context>
    <name>FindMemberDialog</name>
    <message>
        <location filename="../../ui/member_dialogs.py" line="+49"/>
        <source>Find member</source>
        <translation>Caută client</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Phone (any format) or name</source>
        <translation>Telefon (orice format) sau nume</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Type at least 2 characters, or scan the card.</source>
        <translation>Tastați cel puțin 2 caractere sau scanați cardul.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New member (F3)</source>
        <translation>Client nou (F3)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Edit</source>
        <translation>Modifică</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Anulează</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add to sale (Enter)</source>
        <translation>Adaugă pe bon (Enter)</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1 found</source>
        <translation>Găsiți: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nobody found. F3 registers a new member.</source>
        <translation>Nimeni găsit. F3 înregistrează un client nou.</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <location filename="../../ui/first_run.py" line="+24"/>
        <source>Building the demo shop…</source>
        <translation>Se creează magazinul demo…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Demo shop</source>
        <translation>Magazin demo</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Products</source>
        <translation>Produse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members</source>
        <translation>Clienți</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales history</source>
        <translation>Istoricul vânzărilor</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location line="+20"/>
        <source>Welcome to LoyalTill</source>
        <translation>Bun venit în LoyalTill</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This till has no shop yet.</source>
        <translation>Această casă nu are încă un magazin.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Demo shop
A grocery with members, products and three months of sales</source>
        <translation>Magazin demo
Un magazin alimentar cu clienți, produse și vânzări pe trei luni</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New shop
Your shop&apos;s name, currency and the owner&apos;s PIN</source>
        <translation>Magazin nou
Numele magazinului, moneda și PIN-ul proprietarului</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Demo PINs: owner 1111, manager 2222, cashier 3333.</source>
        <translation>PIN-uri demo: proprietar 1111, manager 2222, casier 3333.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Printed on receipts, e.g. Chișinău, str. Ștefan cel Mare 1</source>
        <translation>Se tipărește pe bonuri, de ex. Chișinău, str. Ștefan cel Mare 1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loyalty card numbers (EAN-13) start with these two digits, from the in-store range 20–29. Pick one your goods&apos; own barcodes do not use.</source>
        <translation>Numerele cardurilor de fidelitate (EAN-13) încep cu aceste două cifre, din intervalul intern 20–29. Alegeți unele pe care nu le folosesc codurile de bare ale mărfurilor dvs.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Shop name</source>
        <translation>Numele magazinului</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>Adresa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Currency</source>
        <translation>Moneda</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Limba</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card numbers start with</source>
        <translation>Numerele cardurilor încep cu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner&apos;s name</source>
        <translation>Numele proprietarului</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner&apos;s PIN (4–8 digits)</source>
        <translation>PIN-ul proprietarului (4–8 cifre)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN again</source>
        <translation>PIN din nou</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Back</source>
        <translation>Înapoi</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Create shop</source>
        <translation>Creează magazinul</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Give the shop a name.</source>
        <translation>Dați un nume magazinului.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the owner&apos;s name.</source>
        <translation>Introduceți numele proprietarului.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A PIN is 4 to 8 digits.</source>
        <translation>PIN-ul are între 4 și 8 cifre.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two PINs differ.</source>
        <translation>Cele două PIN-uri diferă.</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message numerus="yes">
        <location filename="../../ui/formatting.py" line="+33"/>
        <source>%n pts</source>
        <translation>
            <numerusform>%n punct</numerusform>
            <numerusform>%n puncte</numerusform>
            <numerusform>%n de puncte</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="+18"/>
        <source>LoyalTill — sign in</source>
        <translation>LoyalTill — autentificare</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Enter your PIN</source>
        <translation>Introduceți PIN-ul</translation>
    </message>
</context>
<context>
    <name>ManagerPinDialog</name>
    <message>
        <location filename="../../ui/authorise.py" line="+25"/>
        <source>a return</source>
        <translation>un retur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a manual discount</source>
        <translation>o reducere manuală</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a balance adjustment</source>
        <translation>o corectare de sold</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>blocking a card</source>
        <translation>blocarea unui card</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Manager&apos;s PIN</source>
        <translation>PIN-ul managerului</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 needs a manager&apos;s PIN.</source>
        <translation>%1: este nevoie de PIN-ul managerului.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1 may not authorise this.</source>
        <translation>%1 nu poate autoriza această operațiune.</translation>
    </message>
</context>
<context>
    <name>MemberFormDialog</name>
    <message>
        <location filename="../../ui/member_dialogs.py" line="+51"/>
        <source>Edit member</source>
        <translation>Modifică clientul</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New member</source>
        <translation>Client nou</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>First and last name</source>
        <translation>Prenume și nume</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mobile, any format</source>
        <translation>Mobil, orice format</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>DD.MM.YYYY (optional)</source>
        <translation>ZZ.LL.AAAA (opțional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agrees to receive offers</source>
        <translation>Este de acord să primească oferte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan a pre-printed card now, or leave empty</source>
        <translation>Scanați acum un card pretipărit sau lăsați gol</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>Nume</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>Zi de naștere</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Card or phone of the member who invited them (optional)</source>
        <translation>Cardul sau telefonul membrului care l-a invitat (opțional)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Empty: a new card number is issued.</source>
        <translation>Gol: se emite un număr de card nou.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+5"/>
        <source>Card</source>
        <translation>Card</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Invited by</source>
        <translation>Invitat de</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no active card</source>
        <translation>niciun card activ</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Card lost? Scan the new card (or leave empty for a new number):</source>
        <translation>Card pierdut? Scanați cardul nou (sau lăsați gol pentru un număr nou):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Block lost card and give the new one (manager)</source>
        <translation>Blochează cardul pierdut și dă unul nou (manager)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Cancel</source>
        <translation>Anulează</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save and add to sale</source>
        <translation>Salvează și adaugă pe bon</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Why the points change (required)</source>
        <translation>Motivul modificării punctelor (obligatoriu)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adjust points (manager)</source>
        <translation>Ajustează punctele (manager)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Balance is now %1 points.</source>
        <translation>Soldul este acum %1 puncte.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The birthday is not a date: write it as DD.MM.YYYY.</source>
        <translation>Ziua de naștere nu este o dată: scrieți ZZ.LL.AAAA.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Old card blocked; the points moved to card %1.</source>
        <translation>Cardul vechi a fost blocat; punctele au trecut pe cardul %1.</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../../ui/member_panel.py" line="+22"/>
        <source>Member</source>
        <translation>Client</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No member on this sale.
Scan a loyalty card, or press F2 to find by phone.</source>
        <translation>Niciun client pe acest bon.
Scanați un card de fidelitate sau apăsați F2 pentru a căuta după telefon.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Birthday!</source>
        <translation>Zi de naștere!</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>No tier</source>
        <translation>Fără nivel</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no active card</source>
        <translation>niciun card activ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card %1</source>
        <translation>Card %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 more to reach %2</source>
        <translation>Încă %1 până la nivelul %2</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Top tier reached</source>
        <translation>Nivelul maxim atins</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privileges: %1</source>
        <translation>Privilegii: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 waiting to become spendable</source>
        <translation>%1 în așteptare până pot fi folosite</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Birthday bonus on this purchase</source>
        <translation>Bonus de ziua de naștere la această cumpărătură</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Balance is below zero after a return: points cannot be used until it recovers.</source>
        <translation>După un retur soldul este sub zero: punctele nu pot fi folosite până se reface.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>After this sale: %1 (−%2 used, +%3 earned)</source>
        <translation>După această vânzare: %1 (−%2 folosite, +%3 câștigate)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>birthday</source>
        <translation>zi de naștere</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>welcome</source>
        <translation>bun venit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>referral</source>
        <translation>recomandare</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bonus: %1</source>
        <translation>Bonus: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Can use up to %1 on this sale (%2) — F5</source>
        <translation>Poate folosi până la %1 pe acest bon (%2) — F5</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No points can be used on this sale yet.</source>
        <translation>Încă nu se pot folosi puncte pe acest bon.</translation>
    </message>
</context>
<context>
    <name>ParkedDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="+54"/>
        <source>Parked sales</source>
        <translation>Bonuri puse deoparte</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>%1 — %2 items, %3</source>
        <translation>%1 — %2 produse, %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recall</source>
        <translation>Reia</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <location filename="../../ui/pay_dialog.py" line="+34"/>
        <source>Payment</source>
        <translation>Plată</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>To pay</source>
        <translation>De plată</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>cash handed over</source>
        <translation>numerar primit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>charged to card</source>
        <translation>plătit cu cardul</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cash</source>
        <translation>Numerar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Card</source>
        <translation>Card</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Exact cash (F3)</source>
        <translation>Suma exactă (F3)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All by card (F2)</source>
        <translation>Totul cu cardul (F2)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Back to sale (Esc)</source>
        <translation>Înapoi la bon (Esc)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Complete sale (Enter)</source>
        <translation>Finalizează vânzarea (Enter)</translation>
    </message>
    <message>
        <location line="+48"/>
        <location line="+19"/>
        <source>Not an amount</source>
        <translation>Nu este o sumă</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Still due: %1</source>
        <translation>Rămas de plată: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change: %1</source>
        <translation>Rest: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Type the cash handed over, or choose card.</source>
        <translation>Tastați numerarul primit sau alegeți cardul.</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <location filename="../../ui/pin_pad.py" line="+19"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>PrinterSettingsDialog</name>
    <message>
        <location filename="../../ui/print_dialogs.py" line="+20"/>
        <source>Receipt printer</source>
        <translation>Imprimanta de bonuri</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No printer (save receipts as PDF)</source>
        <translation>Fără imprimantă (bonurile se salvează ca PDF)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A printer installed on this computer</source>
        <translation>O imprimantă instalată pe acest calculator</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A thermal receipt printer (ESC/POS)</source>
        <translation>O imprimantă termică de bonuri (ESC/POS)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer</source>
        <translation>Imprimantă</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>80 mm roll</source>
        <translation>Rolă de 80 mm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>58 mm roll</source>
        <translation>Rolă de 58 mm</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A4 (office printer)</source>
        <translation>A4 (imprimantă de birou)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paper</source>
        <translation>Hârtie</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print every receipt when the sale is paid</source>
        <translation>Tipărește fiecare bon la plată</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The default printer</source>
        <translation>Imprimanta implicită</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>System printer</source>
        <translation>Imprimanta sistemului</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Network</source>
        <translation>Rețea</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+15"/>
        <source>Serial port</source>
        <translation>Port serial</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Connected by</source>
        <translation>Conectată prin</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>USB vendor:product</source>
        <translation>USB vendor:product</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Network address</source>
        <translation>Adresa de rețea</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Speed</source>
        <translation>Viteză</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>By the shop&apos;s language</source>
        <translation>După limba magazinului</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CP866 — Cyrillic</source>
        <translation>CP866 — chirilic</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CP1251 — Cyrillic (Windows)</source>
        <translation>CP1251 — chirilic (Windows)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CP852 — Romanian</source>
        <translation>CP852 — română</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CP1250 — Romanian (Windows)</source>
        <translation>CP1250 — română (Windows)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CP858 — Western, with €</source>
        <translation>CP858 — occidental, cu €</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic (printers with many code pages)</source>
        <translation>Automat (imprimante cu multe pagini de cod)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Code page</source>
        <translation>Pagină de cod</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save</source>
        <translation>Salvează</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>Anulează</translation>
    </message>
</context>
<context>
    <name>ProductPickerDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="-18"/>
        <source>Choose a product</source>
        <translation>Alegeți un produs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add to sale</source>
        <translation>Adaugă pe bon</translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <location filename="../../ui/programme_forms.py" line="+37"/>
        <source>Mon</source>
        <translation>Lu</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tue</source>
        <translation>Ma</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Wed</source>
        <translation>Mi</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thu</source>
        <translation>Jo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Fri</source>
        <translation>Vi</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sat</source>
        <translation>Sâ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sun</source>
        <translation>Du</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>YYYY-MM-DD, empty: always</source>
        <translation>AAAA-LL-ZZ, gol: mereu</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>comma-separated, empty: all</source>
        <translation>separate prin virgulă, gol: toate</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>empty: the programme&apos;s</source>
        <translation>gol: cel al programului</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Anulare</translation>
    </message>
</context>
<context>
    <name>ProgrammeDialog</name>
    <message>
        <location filename="../../ui/programme_dialog.py" line="+36"/>
        <source>Loyalty programme</source>
        <translation>Programul de fidelitate</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Programme</source>
        <translation>Program</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers</source>
        <translation>Niveluri</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promotions</source>
        <translation>Promoții</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupons</source>
        <translation>Cupoane</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preview</source>
        <translation>Previzualizare</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+30"/>
        <location line="+9"/>
        <location line="+33"/>
        <location line="+4"/>
        <source>Name</source>
        <translation>Nume</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>Member discount, %</source>
        <translation>Reducerea membrului, %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for each purchase, % of money paid</source>
        <translation>Puncte pentru cumpărătură, % din suma plătită</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One point is worth</source>
        <translation>Un punct valorează</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>0.01 makes points kopecks: cashback one to one</source>
        <translation>0,01 face punctele bani: cashback unu la unu</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members may pay with points</source>
        <translation>Membrii pot plăti cu puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points pay at most, % of the bill</source>
        <translation>Cu puncte cel mult, % din bon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points can be used from a balance of</source>
        <translation>Punctele se pot folosi de la un sold de</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points are used in steps of</source>
        <translation>Punctele se folosesc în pași de</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All discounts together at most, %</source>
        <translation>Toate reducerile împreună cel mult, %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers count spend over, days</source>
        <translation>Nivelurile numără cumpărăturile pe, zile</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points expire after, days (0: never)</source>
        <translation>Punctele expiră după, zile (0: niciodată)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New points can be spent after, days</source>
        <translation>Punctele noi pot fi folosite după, zile</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome bonus, points</source>
        <translation>Bonus de bun venit, puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome bonus comes</source>
        <translation>Bonusul de bun venit se acordă</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on registration</source>
        <translation>la înregistrare</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>with the first purchase</source>
        <translation>la prima cumpărătură</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday window, days either side</source>
        <translation>Fereastra zilei de naștere, zile înainte și după</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday bonus, points</source>
        <translation>Bonus de ziua de naștere, puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday discount, %</source>
        <translation>Reducere de ziua de naștere, %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral: points to the member who referred</source>
        <translation>Recomandare: puncte pentru cel care a recomandat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral: points to the new member</source>
        <translation>Recomandare: puncte pentru noul membru</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categories with no discount and no points</source>
        <translation>Categorii fără reduceri și fără puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Barcodes with no discount and no points</source>
        <translation>Coduri de bare fără reduceri și fără puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon: promotion code</source>
        <translation>Cupon pentru următoarea vizită: codul promoției</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon from a bill of</source>
        <translation>Cupon pentru următoarea vizită de la un bon de</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon valid, days</source>
        <translation>Cuponul pentru următoarea vizită valabil, zile</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shop&apos;s time zone (e.g. Europe/Moscow)</source>
        <translation>Fusul orar al magazinului (de ex. Europe/Chisinau)</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+9"/>
        <location line="+20"/>
        <location line="+13"/>
        <location line="+4"/>
        <location line="+3"/>
        <source>Code</source>
        <translation>Cod</translation>
    </message>
    <message>
        <location line="-48"/>
        <location line="+41"/>
        <source>From a spend of</source>
        <translation>De la cumpărături de</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>Points, % of money paid</source>
        <translation>Puncte, % din suma plătită</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>Discount, %</source>
        <translation>Reducere, %</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Privileges shown to the cashier</source>
        <translation>Privilegii afișate casierului</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+36"/>
        <source>Kind</source>
        <translation>Tip</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Points multiplier, ×</source>
        <translation>Multiplicator de puncte, ×</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points per unit bought</source>
        <translation>Puncte pe unitatea cumpărată</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Buy</source>
        <translation>Cumpără</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Get free</source>
        <translation>Primește gratuit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categories</source>
        <translation>Categorii</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Barcodes</source>
        <translation>Coduri de bare</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers (codes)</source>
        <translation>Niveluri (coduri)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members only</source>
        <translation>Doar pentru membri</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+14"/>
        <source>From date</source>
        <translation>De la data</translation>
    </message>
    <message>
        <location line="-14"/>
        <location line="+14"/>
        <source>To date</source>
        <translation>Până la data</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Weekdays (none: every day)</source>
        <translation>Zilele săptămânii (niciuna: în fiecare zi)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From hour</source>
        <translation>De la ora</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To hour</source>
        <translation>Până la ora</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum bill</source>
        <translation>Bon minim</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Minimum quantity</source>
        <translation>Cantitate minimă</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only with a coupon</source>
        <translation>Doar cu cupon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority (lower first)</source>
        <translation>Prioritate (mai mic întâi)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exclusive: no other discount on the same item</source>
        <translation>Exclusivă: nicio altă reducere pe același articol</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Promotion code</source>
        <translation>Codul promoției</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uses in all (0: unlimited)</source>
        <translation>Utilizări în total (0: nelimitat)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uses per member (0: unlimited)</source>
        <translation>Utilizări per membru (0: nelimitat)</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+5"/>
        <source>Discount</source>
        <translation>Reducere</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Points multiplier</source>
        <translation>Multiplicator de puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for buying</source>
        <translation>Puncte pentru cumpărare</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Buy X get Y</source>
        <translation>Cumpără X, primești Y</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Points</source>
        <translation>Puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privileges</source>
        <translation>Privilegii</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gives</source>
        <translation>Oferă</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When</source>
        <translation>Când</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>On</source>
        <translation>Pe ce</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+226"/>
        <source>Promotion</source>
        <translation>Promoție</translation>
    </message>
    <message>
        <location line="-226"/>
        <source>Uses in all</source>
        <translation>Utilizări în total</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Per member</source>
        <translation>Per membru</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Valid</source>
        <translation>Valabil</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add…</source>
        <translation>Adăugare…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit…</source>
        <translation>Editare…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove</source>
        <translation>Ștergere</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Customer</source>
        <translation>Client</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Birthday this week</source>
        <translation>Zi de naștere săptămâna aceasta</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At</source>
        <translation>La</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Check</source>
        <translation>Verificare</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save draft</source>
        <translation>Salvare ciornă</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open draft</source>
        <translation>Deschide ciorna</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>In force from</source>
        <translation>În vigoare de la</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Publish</source>
        <translation>Publicare</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What-if…</source>
        <translation>Ce-ar fi dacă…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close</source>
        <translation>Închidere</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Editing a copy of draft version %1. Nothing changes at the till until you publish.</source>
        <translation>Editați o copie a ciornei, versiunea %1. Nimic nu se schimbă la casă până nu publicați.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Editing a copy of version %1 (in force). Nothing changes at the till until you publish.</source>
        <translation>Editați o copie a versiunii %1 (în vigoare). Nimic nu se schimbă la casă până nu publicați.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>everything</source>
        <translation>tot</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not a member</source>
        <translation>Nu este membru</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Member, %1</source>
        <translation>Membru, %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 + %2 free</source>
        <translation>%1 + %2 gratuit</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>coupon</source>
        <translation>cupon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>always</source>
        <translation>mereu</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Choose a row first.</source>
        <translation>Alegeți mai întâi un rând.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>New tier</source>
        <translation>Nivel nou</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tier</source>
        <translation>Nivel</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>New promotion</source>
        <translation>Promoție nouă</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>New coupon</source>
        <translation>Cupon nou</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Coupon</source>
        <translation>Cupon</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>No problems found.</source>
        <translation>Nu s-au găsit probleme.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Subtotal %1 · discounts %2 · total %3 · points %4</source>
        <translation>Subtotal %1 · reduceri %2 · total %3 · puncte %4</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Saved as draft version %1: it does not apply until published.</source>
        <translation>Salvat ca ciornă, versiunea %1: nu se aplică până la publicare.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Version %1 published: in force from %2.</source>
        <translation>Versiunea %1 publicată: în vigoare de la %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exported to %1.</source>
        <translation>Exportat în %1.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export programme</source>
        <translation>Exportul programului</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import programme</source>
        <translation>Importul programului</translation>
    </message>
</context>
<context>
    <name>QuantityDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="-117"/>
        <source>Quantity</source>
        <translation>Cantitate</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Set quantity</source>
        <translation>Setează cantitatea</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <location filename="../../ui/cart_table.py" line="+24"/>
        <source>member −%1</source>
        <translation>client −%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+15"/>
        <source>%1 −%2</source>
        <translation>%1 −%2</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>manager −%1</source>
        <translation>manager −%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no loyalty (%1)</source>
        <translation>fără fidelitate (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>capped at %1</source>
        <translation>plafonat la %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>points −%1</source>
        <translation>puncte −%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+%1</source>
        <translation>+%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: %2 free</source>
        <translation>%1: %2 gratuit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 +%2</source>
        <translation>%1 +%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 ×%2</source>
        <translation>%1 ×%2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>birthday −%1</source>
        <translation>zi de naștere −%1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Item</source>
        <translation>Produs</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Qty</source>
        <translation>Cant.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Price</source>
        <translation>Preț</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Discount</source>
        <translation>Reducere</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sum</source>
        <translation>Sumă</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>De ce</translation>
    </message>
</context>
<context>
    <name>ReceiptsDialog</name>
    <message>
        <location filename="../../ui/print_dialogs.py" line="-400"/>
        <source>Receipts</source>
        <translation>Bonuri</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Scan the receipt or type its number</source>
        <translation>Scanați bonul sau tastați numărul lui</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recent sales on this till</source>
        <translation>Vânzări recente la această casă</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Print</source>
        <translation>Tipărește</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save as PDF…</source>
        <translation>Salvează ca PDF…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Return…</source>
        <translation>Retur…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Închide</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Printing…</source>
        <translation>Se tipărește…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Receipt %1 sent to the printer.</source>
        <translation>Bonul %1 a fost trimis la imprimantă.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save receipt PDF</source>
        <translation>Salvează bonul PDF</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Receipt saved: %1</source>
        <translation>Bon salvat: %1</translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="+15"/>
        <source>Pay with points</source>
        <translation>Plată cu puncte</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Balance %1. This sale can take up to %2.</source>
        <translation>Sold %1. Pe acest bon se pot folosi până la %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Max</source>
        <translation>Maxim</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>None</source>
        <translation>Deloc</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Use points</source>
        <translation>Folosește punctele</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>= %1 off the bill</source>
        <translation>= %1 din totalul bonului</translation>
    </message>
</context>
<context>
    <name>ReturnDialog</name>
    <message>
        <location filename="../../ui/return_dialog.py" line="+30"/>
        <source>Return</source>
        <translation>Retur</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Receipt number, e.g. T01-000123</source>
        <translation>Numărul bonului, de ex. T01-000123</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Find receipt</source>
        <translation>Caută bonul</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Item</source>
        <translation>Produs</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sold</source>
        <translation>Vândut</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Returned before</source>
        <translation>Returnat anterior</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Paid</source>
        <translation>Achitat</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Return now</source>
        <translation>Returnează acum</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Whole sale</source>
        <translation>Tot bonul</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Închide</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Return selected (manager)</source>
        <translation>Returnează selecția (manager)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Receipt %1 of %2: %3, paid %4</source>
        <translation>Bonul %1 din %2: %3, achitat %4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>; points used %1, earned %2</source>
        <translation>; puncte folosite %1, câștigate %2</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Will give back %1.</source>
        <translation>Se restituie %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points to take back %1, to give back %2.</source>
        <translation>Puncte retrase %1, puncte restituite %2.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>That item is not left to return on this receipt.</source>
        <translation>Acest produs nu mai are ce returna pe acest bon.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Set how many of which items come back, or press Whole sale.</source>
        <translation>Indicați câte bucăți din fiecare produs se returnează sau apăsați „Tot bonul”.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Give back %1: %2 to the card, %3 in cash.</source>
        <translation>Se restituie %1: %2 pe card, %3 în numerar.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>in cash</source>
        <translation>în numerar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>to the card</source>
        <translation>pe card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give back %1 %2.</source>
        <translation>Restituiți %1 %2.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points taken back %1, given back %2; balance now %3.</source>
        <translation>Puncte retrase %1, restituite %2; sold acum %3.</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/formatting.py" line="+38"/>
        <source>cashier</source>
        <translation>casier</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>manager</source>
        <translation>manager</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>owner</source>
        <translation>proprietar</translation>
    </message>
</context>
<context>
    <name>SaleDialogs</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="-73"/>
        <source>Cancel</source>
        <translation>Anulează</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <location filename="../../ui/sync_status.py" line="+45"/>
        <source>Sync now</source>
        <translation>Sincronizează</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Offline — sales are kept on this till</source>
        <translation>Fără legătură — vânzările rămân pe această casă</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Online · %1 waiting · last sync %2</source>
        <translation>Conectat · în așteptare: %1 · ultima sincronizare %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The hub refuses this till&apos;s token · %1 waiting</source>
        <translation>Serverul refuză cheia acestei case · în așteptare: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offline · %1 waiting · balances as of %2</source>
        <translation>Fără legătură · în așteptare: %1 · solduri la %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>never</source>
        <translation>niciodată</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Sync failed unexpectedly; the details are in the till&apos;s log.</source>
        <translation>Sincronizarea a eșuat neașteptat; detaliile sunt în jurnalul casei.</translation>
    </message>
</context>
<context>
    <name>Tiers</name>
    <message>
        <location filename="../../ui/formatting.py" line="-11"/>
        <source>Base</source>
        <translation>De bază</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Silver</source>
        <translation>Argint</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gold</source>
        <translation>Aur</translation>
    </message>
</context>
<context>
    <name>TotalsPanel</name>
    <message>
        <location filename="../../ui/totals_panel.py" line="-78"/>
        <source>Items</source>
        <translation>Produse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subtotal</source>
        <translation>Subtotal</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discount</source>
        <translation>Reducere</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paid by points</source>
        <translation>Achitat cu puncte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points to earn</source>
        <translation>Puncte de câștigat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To pay</source>
        <translation>De plată</translation>
    </message>
</context>
<context>
    <name>WhatIfDialog</name>
    <message>
        <location filename="../../ui/whatif_dialog.py" line="+41"/>
        <source>What-if: this programme on real sales</source>
        <translation>Ce-ar fi dacă: acest program pe vânzările reale</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>From</source>
        <translation>De la</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>To</source>
        <translation>Până la</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Replay</source>
        <translation>Recalculare</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Measure</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Simulated</source>
        <translation>Simulat</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Actual</source>
        <translation>Real</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Difference</source>
        <translation>Diferență</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Export CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close</source>
        <translation>Închidere</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Replaying the sales…</source>
        <translation>Se recalculează vânzările…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Sales</source>
        <translation>Vânzări</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revenue</source>
        <translation>Venituri</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discounts given</source>
        <translation>Reduceri acordate</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+20"/>
        <source>Points issued</source>
        <translation>Puncte acordate</translation>
    </message>
    <message>
        <location line="-19"/>
        <location line="+20"/>
        <source>Points redeemed</source>
        <translation>Puncte folosite</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Liability (points outstanding)</source>
        <translation>Obligații (puncte nefolosite)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cost, % of revenue</source>
        <translation>Cost, % din venituri</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Members changing tier</source>
        <translation>Membri care schimbă nivelul</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Discounts</source>
        <translation>Reduceri</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Liability</source>
        <translation>Obligații</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 sales from %2 to %3 replayed.</source>
        <translation>Vânzări recalculate: %1, de la %2 la %3.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved %1.</source>
        <translation>Salvat: %1.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export CSV</source>
        <translation>Export CSV</translation>
    </message>
</context>
</TS>
