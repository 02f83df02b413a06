<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU" sourcelanguage="en">
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
        <translation>%1 нельзя использовать как базу кассы (%2). Укажите другой файл через --db.</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <location filename="../../ui/whatif_dialog.py" line="+42"/>
        <source>Simulated</source>
        <translation>Симуляция</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Actual</source>
        <translation>Фактически</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Run the replay to see the chart.</source>
        <translation>Запустите пересчёт, чтобы увидеть график.</translation>
    </message>
</context>
<context>
    <name>CardsDialog</name>
    <message>
        <location filename="../../ui/print_dialogs.py" line="+172"/>
        <source>Membership cards</source>
        <translation>Карты участников</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Blank cards, numbered (given at registration)</source>
        <translation>Пустые карты с номерами (выдаются при регистрации)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members who joined in the last 7 days</source>
        <translation>Участники, вступившие за последние 7 дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members of one tier</source>
        <translation>Участники одного уровня</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All members</source>
        <translation>Все участники</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These members (card numbers or ids)</source>
        <translation>Эти участники (номера карт или id)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>cards</source>
        <translation>карт</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>2700100000013, 2700100000020 …</source>
        <translation>2700100000013, 2700100000020 …</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Print the member&apos;s name on the card</source>
        <translation>Печатать имя участника на карте</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A4 sheet of 10, with crop marks</source>
        <translation>Лист A4 на 10 карт, с метками реза</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One card per page (card printer)</source>
        <translation>Одна карта на странице (принтер карт)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layout</source>
        <translation>Раскладка</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shop logo…</source>
        <translation>Логотип магазина…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Preview</source>
        <translation>Просмотр</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save PDF…</source>
        <translation>Сохранить PDF…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Print</source>
        <translation>Печать</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>Preparing the cards…</source>
        <translation>Готовим карты…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Save cards PDF</source>
        <translation>Сохранить карты в PDF</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 cards on %2 pages saved to %3.</source>
        <translation>Карт: %1, страниц: %2, сохранено в %3.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 cards sent to the printer.</source>
        <translation>Карт отправлено на принтер: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shop logo</source>
        <translation>Логотип магазина</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pictures (*.png *.jpg *.jpeg)</source>
        <translation>Изображения (*.png *.jpg *.jpeg)</translation>
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
        <translation>Сканируйте или введите штрихкод, название, артикул — Enter добавляет</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Pay</source>
        <translation>Оплата</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Find member</source>
        <translation>Найти клиента</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New member</source>
        <translation>Новый клиент</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity</source>
        <translation>Количество</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove line</source>
        <translation>Удалить строку</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Redeem points</source>
        <translation>Списать баллы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Park sale</source>
        <translation>Отложить чек</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recall sale</source>
        <translation>Вернуть чек</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discount (manager)</source>
        <translation>Скидка (менеджер)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return (manager)</source>
        <translation>Возврат (менеджер)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear member / cancel</source>
        <translation>Убрать клиента / отмена</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+332"/>
        <source>Cancel sale</source>
        <translation>Отменить чек</translation>
    </message>
    <message>
        <location line="-331"/>
        <source>More…</source>
        <translation>Ещё…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Till %1</source>
        <translation>Касса %1</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Still saving the last sale: scan that again in a moment.</source>
        <translation>Предыдущий чек ещё сохраняется: отсканируйте это ещё раз через мгновение.</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Card misread (wrong check digit): scan it again.</source>
        <translation>Карта считалась с ошибкой (неверная контрольная цифра): отсканируйте ещё раз.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Nothing found for “%1”.</source>
        <translation>По запросу «%1» ничего не найдено.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Added: %1 (now %2)</source>
        <translation>Добавлено: %1 (теперь %2)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Coupon %1: %2</source>
        <translation>Купон %1: %2</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Member: %1</source>
        <translation>Клиент: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Points to use were reset.</source>
        <translation>Списание баллов сброшено.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>There is no line to change.</source>
        <translation>Нет строки для изменения.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Removed: %1</source>
        <translation>Удалено: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Scan the member&apos;s card first.</source>
        <translation>Сначала отсканируйте карту клиента.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No points can be used on this sale.</source>
        <translation>В этом чеке баллы списать нельзя.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 will pay part of the bill.</source>
        <translation>%1 пойдут в оплату чека.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+119"/>
        <source>Scan the items first.</source>
        <translation>Сначала отсканируйте товары.</translation>
    </message>
    <message>
        <location line="-112"/>
        <source>Manual discount %1 applied.</source>
        <translation>Ручная скидка %1 применена.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sale parked. F7 brings it back.</source>
        <translation>Чек отложен. F7 — вернуть.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pay or park the sale on screen first.</source>
        <translation>Сначала оплатите или отложите текущий чек.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No parked sales.</source>
        <translation>Отложенных чеков нет.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Parked sale recalled; coupon no longer valid: %1.</source>
        <translation>Отложенный чек возвращён; купон больше не действует: %1.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Parked sale recalled.</source>
        <translation>Отложенный чек возвращён.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Member removed from this sale.</source>
        <translation>Клиент убран из чека.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cancel this sale and clear the screen?</source>
        <translation>Отменить этот чек и очистить экран?</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sale cancelled.</source>
        <translation>Чек отменён.</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Welcome, %1! Card %2.</source>
        <translation>Добро пожаловать, %1! Карта %2.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Find the member first (F2).</source>
        <translation>Сначала найдите клиента (F2).</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Saving the sale…</source>
        <translation>Чек сохраняется…</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Sale %1 complete. Change %2.</source>
        <translation>Чек %1 оплачен. Сдача %2.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next-visit coupon on the receipt: %1.</source>
        <translation>Купон на следующую покупку в чеке: %1.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save receipt PDF</source>
        <translation>Сохранить чек в PDF</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Receipt saved: %1</source>
        <translation>Чек сохранён: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No receipt printer is set up: use “Save receipt PDF”, or set a printer up under More… (F10).</source>
        <translation>Принтер чеков не настроен: нажмите «Сохранить чек в PDF» или настройте принтер в меню «Ещё…» (F10).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Still printing the last receipt: wait a moment.</source>
        <translation>Предыдущий чек ещё печатается: подождите немного.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Printing the receipt…</source>
        <translation>Печать чека…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The sale is saved; reprint it from Receipts (F10).</source>
        <translation>Продажа сохранена; чек можно напечатать снова в разделе «Чеки» (F10).</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Receipt %1 printed.</source>
        <translation>Чек %1 напечатан.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No sale yet on this screen: find older receipts under More… (F10).</source>
        <translation>На этом экране ещё не было продажи: прежние чеки — в меню «Ещё…» (F10).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Receipts: reprint, save, return…</source>
        <translation>Чеки: повторная печать, сохранение, возврат…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Membership cards…</source>
        <translation>Карты участников…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt printer…</source>
        <translation>Принтер чеков…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loyalty programme (owner)…</source>
        <translation>Программа лояльности (владелец)…</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Return done: give back %1.</source>
        <translation>Возврат оформлен: выдайте %1.</translation>
    </message>
</context>
<context>
    <name>CompletionPanel</name>
    <message>
        <location filename="../../ui/totals_panel.py" line="+76"/>
        <source>Paid</source>
        <translation>Оплачено</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points earned</source>
        <translation>Начислено баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points used</source>
        <translation>Списано баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New balance</source>
        <translation>Новый баланс</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change</source>
        <translation>Сдача</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save receipt PDF</source>
        <translation>Сохранить чек в PDF</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Print receipt</source>
        <translation>Печать чека</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next customer</source>
        <translation>Следующий покупатель</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sale %1 done</source>
        <translation>Чек %1 оплачен</translation>
    </message>
</context>
<context>
    <name>DiscountDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="+108"/>
        <source>Manual discount</source>
        <translation>Ручная скидка</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Discount on every item of this sale (a manager&apos;s PIN is needed).</source>
        <translation>Скидка на все товары чека (нужен PIN менеджера).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Apply discount</source>
        <translation>Применить скидку</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../ui/errors.py" line="+25"/>
        <source>{card} is not a card number (13 digits).</source>
        <translation>{card} — не номер карты (нужно 13 цифр).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card misread (wrong check digit): scan it again or type it.</source>
        <translation>Карта считалась с ошибкой (неверная контрольная цифра): отсканируйте ещё раз или введите вручную.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is not one of this shop&apos;s cards.</source>
        <translation>Карта {card} не выдавалась в этом магазине.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} is blocked (reported lost). Ask for the new card or find the member by phone.</source>
        <translation>Карта {card} заблокирована (утеряна). Попросите новую карту или найдите клиента по телефону.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} has not been given to anyone yet. Register a member with it (F3).</source>
        <translation>Карта {card} ещё никому не выдана. Зарегистрируйте с ней клиента (F3).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{card} is not one of this shop&apos;s cards.</source>
        <translation>{card} — не карта этого магазина.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card {card} already belongs to someone.</source>
        <translation>Карта {card} уже принадлежит другому клиенту.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till has used up its card numbers.</source>
        <translation>На этой кассе закончились номера карт.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No product with barcode {barcode}.</source>
        <translation>Нет товара со штрихкодом {barcode}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong PIN.</source>
        <translation>Неверный PIN.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A PIN is 4 to 8 digits.</source>
        <translation>PIN — от 4 до 8 цифр.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Another person already uses this PIN; choose another.</source>
        <translation>Этот PIN уже у другого сотрудника; выберите другой.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This needs a manager&apos;s PIN.</source>
        <translation>Нужен PIN менеджера.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only the shop&apos;s owner can do this: sign in with the owner&apos;s PIN.</source>
        <translation>Это может сделать только владелец магазина: войдите с PIN-кодом владельца.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quantity must be 1 to {max}.</source>
        <translation>Количество — от 1 до {max}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A discount is between 0 and 100 %.</source>
        <translation>Скидка — от 0 до 100 %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sale has no items.</source>
        <translation>В чеке нет товаров.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is nothing to park.</source>
        <translation>Нечего откладывать.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That parked sale was already recalled.</source>
        <translation>Этот отложенный чек уже возвращён.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pay by cash or card.</source>
        <translation>Оплата наличными или картой.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A payment cannot be negative.</source>
        <translation>Сумма оплаты не может быть отрицательной.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The card payment is more than the bill.</source>
        <translation>Оплата картой больше суммы чека.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>More money is needed to pay the bill.</source>
        <translation>Для оплаты чека не хватает денег.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points to redeem cannot be negative.</source>
        <translation>Количество баллов не может быть отрицательным.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan a member&apos;s card to pay with points.</source>
        <translation>Чтобы платить баллами, отсканируйте карту клиента.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>At most {points} points can be used on this sale.</source>
        <translation>В этом чеке можно списать не больше {points} баллов.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points are redeemed in steps of {step}.</source>
        <translation>Баллы списываются кратно {step}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the member&apos;s name.</source>
        <translation>Введите имя клиента.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter a phone number.</source>
        <translation>Введите номер телефона.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{phone} is not a phone number we can use.</source>
        <translation>{phone} — неправильный номер телефона.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A member with phone {phone} already exists: find them instead.</source>
        <translation>Клиент с телефоном {phone} уже есть: найдите его.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That birthday cannot be right.</source>
        <translation>Такой даты рождения быть не может.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No sale with receipt {ref}.</source>
        <translation>Нет чека с номером {ref}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everything on this receipt was already returned.</source>
        <translation>Все товары этого чека уже возвращены.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Return at least one of each item.</source>
        <translation>Возвращайте хотя бы одну штуку каждого товара.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Item {barcode} is not on this receipt.</source>
        <translation>Товара {barcode} нет в этом чеке.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>More of item {barcode} than is left to return on this receipt.</source>
        <translation>Товара {barcode} больше, чем осталось к возврату по чеку.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give the shop a name.</source>
        <translation>Укажите название магазина.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot write the receipt there: choose another folder or a USB stick.</source>
        <translation>Не удаётся записать чек туда: выберите другую папку или флешку.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till is not set up yet.</source>
        <translation>Эта касса ещё не настроена.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The demo goes into an empty database; this one already has a shop.</source>
        <translation>Демо создаётся только в пустой базе; в этой уже есть магазин.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Currency must be one of RUB, MDL, RON, EUR.</source>
        <translation>Валюта должна быть одной из: RUB, MDL, RON, EUR.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language must be Russian, Romanian or English.</source>
        <translation>Язык: русский, румынский или английский.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The card prefix must be two digits from 20 to 29.</source>
        <translation>Префикс карт — две цифры от 20 до 29.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Role must be cashier, manager or owner.</source>
        <translation>Роль: кассир, менеджер или владелец.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A till number must be 0–999.</source>
        <translation>Номер кассы — от 0 до 999.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the owner&apos;s name.</source>
        <translation>Введите имя владельца.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An earlier demo build into this file was interrupted: delete the file and build the demo again.</source>
        <translation>Прошлая сборка демо в этот файл была прервана: удалите файл и соберите демо заново.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paying with points is switched off in this programme.</source>
        <translation>Оплата баллами отключена в этой программе.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member owes points; paying with points is blocked until new purchases cover it.</source>
        <translation>У клиента долг по баллам; оплата баллами заблокирована, пока новые покупки его не покроют.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points can be used from a balance of {least}; this member has {balance}.</source>
        <translation>Баллы можно списывать от баланса {least}; у клиента {balance}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No points can be used on these items.</source>
        <translation>На эти товары баллы списать нельзя.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member is no longer on this till.</source>
        <translation>Этого клиента больше нет в базе кассы.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An adjustment of zero points changes nothing.</source>
        <translation>Изменение на ноль баллов ничего не меняет.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Say why the balance is adjusted.</source>
        <translation>Укажите причину изменения баланса.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{card} is not a valid card number (check digit).</source>
        <translation>{card} — неверный номер карты (контрольная цифра).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print between 1 and {max} blank cards at a time.</source>
        <translation>За один раз можно напечатать от 1 до {max} пустых карт.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose whose cards to print.</source>
        <translation>Выберите, чьи карты печатать.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There are no cards to print.</source>
        <translation>Нет карт для печати.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose an A4 sheet or single cards.</source>
        <translation>Выберите лист A4 или отдельные карты.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No member {ref}: give a member id or a card number.</source>
        <translation>Нет участника {ref}: укажите id участника или номер карты.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{file} is not a picture LoyalTill can read (PNG or JPEG).</source>
        <translation>{file} — не изображение, которое LoyalTill может прочитать (PNG или JPEG).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The logo file is over 2 MB: save it smaller.</source>
        <translation>Файл логотипа больше 2 МБ: сохраните его меньшего размера.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Receipt width must be 58 mm, 80 mm or A4.</source>
        <translation>Ширина чека: 58 мм, 80 мм или A4.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown printer setting.</source>
        <translation>Неизвестная настройка принтера.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose one of the code pages in the list.</source>
        <translation>Выберите кодовую страницу из списка.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>USB printer: give vendor:product in hex, like 0416:5011.</source>
        <translation>USB-принтер: укажите vendor:product в шестнадцатеричном виде, например 0416:5011.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network printer: give its address, like 192.168.1.50.</source>
        <translation>Сетевой принтер: укажите его адрес, например 192.168.1.50.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network printer: the port is a number from 1 to 65535 (usually 9100).</source>
        <translation>Сетевой принтер: порт — число от 1 до 65535 (обычно 9100).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial printer: give the port, like /dev/ttyUSB0 or COM3.</source>
        <translation>Принтер на COM-порту: укажите порт, например /dev/ttyUSB0 или COM3.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serial printer: the speed is 9600, 19200, 38400, 57600 or 115200.</source>
        <translation>Принтер на COM-порту: скорость 9600, 19200, 38400, 57600 или 115200.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The receipt printer is not answering. Check that it is on and connected.</source>
        <translation>Принтер чеков не отвечает. Проверьте, что он включён и подключён.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The printer {name} is not installed on this computer: choose another under More… (F10) → Receipt printer.</source>
        <translation>Принтер {name} не установлен на этом компьютере: выберите другой в меню «Ещё…» (F10) → «Принтер чеков».</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A thermal printer takes 58 or 80 mm rolls, not A4.</source>
        <translation>Термопринтер печатает на рулонах 58 или 80 мм, не на A4.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This computer has no printer set up.</source>
        <translation>На этом компьютере не настроен ни один принтер.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The receipt printer is out of paper. Load a new roll and print again.</source>
        <translation>В принтере чеков кончилась бумага. Вставьте новый рулон и напечатайте снова.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The printer stopped or refused the job. Check it, then reprint.</source>
        <translation>Принтер остановился или отказался печатать. Проверьте его и напечатайте снова.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No receipt printer is set up: save the receipt as PDF, or set a printer up.</source>
        <translation>Принтер чеков не настроен: сохраните чек в PDF или настройте принтер.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The hub cannot be reached: sales are kept on this till and sent when it is back.</source>
        <translation>Нет связи с сервером сети: продажи хранятся на этой кассе и будут отправлены, когда связь появится.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The hub does not accept this till&apos;s token: ask the owner for a new one.</source>
        <translation>Сервер сети не принимает ключ этой кассы: попросите у владельца новый.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The hub had a problem; sales are kept on this till and sent later.</source>
        <translation>Ошибка на сервере сети; продажи хранятся на этой кассе и будут отправлены позже.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This till is not connected to a hub.</source>
        <translation>Эта касса не подключена к серверу сети.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline, at most {points} points can be used now (the balance may be out of date).</source>
        <translation>Без связи сейчас можно списать не больше {points} баллов (баланс может быть устаревшим).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only {points} points were set aside at the hub.</source>
        <translation>На сервере сети зарезервировано только {points} баллов.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The chain&apos;s records show only {points} points available.</source>
        <translation>По данным сети доступно только {points} баллов.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the disk is full. Free some space, then try again; the sale stays on screen.</source>
        <translation>Ничего не сохранено: диск заполнен. Освободите место и повторите; чек остаётся на экране.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the disk failed to read or write. Check the drive, then try again; the sale stays on screen.</source>
        <translation>Ничего не сохранено: ошибка чтения или записи диска. Проверьте накопитель и повторите; чек остаётся на экране.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: another program holds the till&apos;s file. Close it, then try again.</source>
        <translation>Ничего не сохранено: файл кассы занят другой программой. Закройте её и повторите.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the till&apos;s file is read-only. Check its permissions, then try again.</source>
        <translation>Ничего не сохранено: файл кассы доступен только для чтения. Проверьте права доступа и повторите.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was saved: the till&apos;s file cannot be opened. Check the drive, then try again.</source>
        <translation>Ничего не сохранено: файл кассы не открывается. Проверьте накопитель и повторите.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No loyalty programme is set up yet: open the owner&apos;s settings first.</source>
        <translation>Программа лояльности ещё не настроена: сначала откройте настройки владельца.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no programme version {version}.</source>
        <translation>Версии программы {version} нет.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The programme file cannot be read: {detail}</source>
        <translation>Не удаётся прочитать файл программы: {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The programme file has settings this LoyalTill does not know: {keys}.</source>
        <translation>В файле программы есть настройки, которых эта версия LoyalTill не знает: {keys}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The programme file&apos;s setting {key} has the wrong kind of value ({value}): amounts and points are whole numbers.</source>
        <translation>В файле программы у настройки {key} значение не того вида ({value}): суммы и баллы — целые числа.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field} must be 0–100 %, not {value} %.</source>
        <translation>{field}: должно быть от 0 до 100 %, а не {value} %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A point must be worth at least 0.01.</source>
        <translation>Балл должен стоить не меньше 0,01.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points are used in steps of at least one.</source>
        <translation>Шаг списания баллов — не меньше одного.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field} cannot be negative.</source>
        <translation>{field}: не может быть отрицательным.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers must count spend over at least one day.</source>
        <translation>Уровни должны считать покупки хотя бы за один день.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The birthday window is 0 to 31 days.</source>
        <translation>Окно дня рождения — от 0 до 31 дня.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The welcome bonus comes on registration or with the first purchase.</source>
        <translation>Приветственный бонус начисляется при регистрации или при первой покупке.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points would expire before they can be spent: make the waiting time shorter than the expiry.</source>
        <translation>Баллы сгорят раньше, чем их можно будет потратить: сделайте ожидание короче срока действия.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unknown time zone {zone}.</source>
        <translation>Неизвестный часовой пояс {zone}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promotion {promotion} keeps hours or weekdays: give the shop&apos;s time zone (e.g. Europe/Moscow), or its hours would run on UTC.</source>
        <translation>Акция {promotion} действует по часам или дням недели: укажите часовой пояс магазина (например, Europe/Moscow), иначе часы будут считаться по UTC.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every tier needs a code.</source>
        <translation>У каждого уровня должен быть код.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two tiers have the code {tier}.</source>
        <translation>У двух уровней одинаковый код {tier}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier {tier}: the spend it starts from cannot be negative.</source>
        <translation>Уровень {tier}: порог покупок не может быть отрицательным.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers {other} and {tier} start at the same spend: they overlap.</source>
        <translation>Уровни {other} и {tier} начинаются с одной суммы: они пересекаются.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tier {tier}: a percentage must be 0–100 %.</source>
        <translation>Уровень {tier}: процент должен быть от 0 до 100 %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every promotion needs a code.</source>
        <translation>У каждой акции должен быть код.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two promotions have the code {name}.</source>
        <translation>У двух акций одинаковый код {name}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: unknown kind of promotion.</source>
        <translation>{name}: неизвестный вид акции.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: the discount must be over 0 and at most 100 %.</source>
        <translation>{name}: скидка должна быть больше 0 и не больше 100 %.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: the multiplier must be over ×1 and at most ×10.</source>
        <translation>{name}: множитель должен быть больше ×1 и не больше ×10.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: give at least one point.</source>
        <translation>{name}: укажите хотя бы один балл.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: buy and get must both be at least 1.</source>
        <translation>{name}: «купи» и «получи» — оба не меньше 1.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: the hours must run from 0–23 to a later hour, up to 24.</source>
        <translation>{name}: часы — с 0–23 до более позднего часа, не позже 24.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: weekdays run from Monday to Sunday.</source>
        <translation>{name}: дни недели — с понедельника по воскресенье.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: a minimum cannot be negative.</source>
        <translation>{name}: минимум не может быть отрицательным.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: there is no tier {tier}.</source>
        <translation>{name}: уровня {tier} нет.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name}: a date must be written YYYY-MM-DD.</source>
        <translation>{name}: дату нужно писать ГГГГ-ММ-ДД.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} ends before it starts.</source>
        <translation>{name} заканчивается раньше, чем начинается.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} ended on {ends}: it would never apply.</source>
        <translation>{name} закончилась {ends}: она никогда не сработает.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every coupon needs a code.</source>
        <translation>У каждого купона должен быть код.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two coupons have the code {coupon}.</source>
        <translation>У двух купонов одинаковый код {coupon}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} names no promotion of this programme ({promotion}).</source>
        <translation>Купон {coupon} ссылается на акцию, которой нет в программе ({promotion}).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon}: limits cannot be negative.</source>
        <translation>Купон {coupon}: лимиты не могут быть отрицательными.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {name}: a date must be written YYYY-MM-DD.</source>
        <translation>Купон {name}: дату нужно писать ГГГГ-ММ-ДД.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {name} ends before it starts.</source>
        <translation>Купон {name} заканчивается раньше, чем начинается.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} is not valid today.</source>
        <translation>Купон {coupon} сегодня недействителен.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The next-visit coupon names no promotion of this programme ({promotion}).</source>
        <translation>Купон на следующую покупку ссылается на акцию, которой нет в программе ({promotion}).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A next-visit coupon must be valid for at least one day.</source>
        <translation>Купон на следующую покупку должен действовать хотя бы один день.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: “{text}” is not a percentage.</source>
        <translation>{field}: «{text}» — не процент.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{field}: “{text}” is not an amount.</source>
        <translation>{field}: «{text}» — не сумма.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot write {path}: choose another folder.</source>
        <translation>Не удаётся записать {path}: выберите другую папку.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot read {path}.</source>
        <translation>Не удаётся прочитать {path}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a row first.</source>
        <translation>Сначала выберите строку.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter the coupon&apos;s code.</source>
        <translation>Введите код купона.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} has been used up.</source>
        <translation>Купон {coupon} уже израсходован.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} is for members: scan the card first.</source>
        <translation>Купон {coupon} — для участников: сначала отсканируйте карту.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member has already used coupon {coupon}.</source>
        <translation>Этот участник уже использовал купон {coupon}.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is no coupon {coupon}.</source>
        <translation>Купона {coupon} нет.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} belongs to another member&apos;s card.</source>
        <translation>Купон {coupon} принадлежит карте другого участника.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupon {coupon} is already on this sale.</source>
        <translation>Купон {coupon} уже применён к этой продаже.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A member cannot refer themselves.</source>
        <translation>Участник не может пригласить сам себя.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No member with card or phone {ref} to credit the referral to.</source>
        <translation>Нет участника с картой или телефоном {ref}, которому начислить бонус за приглашение.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There are no sales to replay yet.</source>
        <translation>Пока нет продаж для пересчёта.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The period ends before it starts.</source>
        <translation>Период заканчивается раньше, чем начинается.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Member discount</source>
        <translation>Скидка участника</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for each purchase</source>
        <translation>Баллы за покупку</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points pay at most</source>
        <translation>Баллами — не больше</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All discounts together</source>
        <translation>Все скидки вместе</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday discount</source>
        <translation>Скидка на день рождения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum balance for points</source>
        <translation>Минимальный баланс для списания</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome bonus</source>
        <translation>Приветственный бонус</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday bonus</source>
        <translation>Бонус на день рождения</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral points</source>
        <translation>Баллы за приглашение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral points for the new member</source>
        <translation>Баллы новому участнику за приглашение</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points expiry</source>
        <translation>Срок действия баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting time for new points</source>
        <translation>Ожидание новых баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon minimum bill</source>
        <translation>Минимальный чек для купона на следующую покупку</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Unexpected error</source>
        <translation>Непредвиденная ошибка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unexpected error. The sale on screen is kept; please tell the shop&apos;s support.</source>
        <translation>Непредвиденная ошибка. Чек на экране сохранён; сообщите в поддержку магазина.</translation>
    </message>
</context>
<context>
    <name>FindMemberDialog</name>
    <message>
        <location filename="../../ui/member_dialogs.py" line="+49"/>
        <source>Find member</source>
        <translation>Найти клиента</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Phone (any format) or name</source>
        <translation>Телефон (в любом виде) или имя</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Type at least 2 characters, or scan the card.</source>
        <translation>Введите хотя бы 2 символа или отсканируйте карту.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>New member (F3)</source>
        <translation>Новый клиент (F3)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Edit</source>
        <translation>Изменить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add to sale (Enter)</source>
        <translation>В чек (Enter)</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1 found</source>
        <translation>Найдено: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nobody found. F3 registers a new member.</source>
        <translation>Никто не найден. F3 — зарегистрировать нового клиента.</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <location filename="../../ui/first_run.py" line="+24"/>
        <source>Building the demo shop…</source>
        <translation>Создаётся демо-магазин…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Demo shop</source>
        <translation>Демо-магазин</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Products</source>
        <translation>Товары</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members</source>
        <translation>Клиенты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales history</source>
        <translation>История продаж</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location line="+20"/>
        <source>Welcome to LoyalTill</source>
        <translation>Добро пожаловать в LoyalTill</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This till has no shop yet.</source>
        <translation>На этой кассе ещё нет магазина.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Demo shop
A grocery with members, products and three months of sales</source>
        <translation>Демо-магазин
Продуктовый магазин с клиентами, товарами и продажами за три месяца</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New shop
Your shop&apos;s name, currency and the owner&apos;s PIN</source>
        <translation>Новый магазин
Название, валюта и PIN владельца</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Demo PINs: owner 1111, manager 2222, cashier 3333.</source>
        <translation>PIN в демо: владелец 1111, менеджер 2222, кассир 3333.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Printed on receipts, e.g. Chișinău, str. Ștefan cel Mare 1</source>
        <translation>Печатается на чеках, например г. Москва, ул. Ленина, д. 10</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loyalty card numbers (EAN-13) start with these two digits, from the in-store range 20–29. Pick one your goods&apos; own barcodes do not use.</source>
        <translation>Номера карт лояльности (EAN-13) начинаются с этих двух цифр из внутримагазинного диапазона 20–29. Выберите те, что не заняты штрихкодами ваших товаров.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Shop name</source>
        <translation>Название магазина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Currency</source>
        <translation>Валюта</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card numbers start with</source>
        <translation>Номера карт начинаются с</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner&apos;s name</source>
        <translation>Имя владельца</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner&apos;s PIN (4–8 digits)</source>
        <translation>PIN владельца (4–8 цифр)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN again</source>
        <translation>PIN ещё раз</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Back</source>
        <translation>Назад</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Create shop</source>
        <translation>Создать магазин</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Give the shop a name.</source>
        <translation>Укажите название магазина.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the owner&apos;s name.</source>
        <translation>Введите имя владельца.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A PIN is 4 to 8 digits.</source>
        <translation>PIN — от 4 до 8 цифр.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The two PINs differ.</source>
        <translation>PIN-коды не совпадают.</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message numerus="yes">
        <location filename="../../ui/formatting.py" line="+33"/>
        <source>%n pts</source>
        <translation>
            <numerusform>%n балл</numerusform>
            <numerusform>%n балла</numerusform>
            <numerusform>%n баллов</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login.py" line="+18"/>
        <source>LoyalTill — sign in</source>
        <translation>LoyalTill — вход</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Enter your PIN</source>
        <translation>Введите свой PIN</translation>
    </message>
</context>
<context>
    <name>ManagerPinDialog</name>
    <message>
        <location filename="../../ui/authorise.py" line="+25"/>
        <source>a return</source>
        <translation>возврат</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a manual discount</source>
        <translation>ручная скидка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a balance adjustment</source>
        <translation>корректировка баланса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>blocking a card</source>
        <translation>блокировка карты</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Manager&apos;s PIN</source>
        <translation>PIN менеджера</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 needs a manager&apos;s PIN.</source>
        <translation>%1: нужен PIN менеджера.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1 may not authorise this.</source>
        <translation>%1 не может это разрешить.</translation>
    </message>
</context>
<context>
    <name>MemberFormDialog</name>
    <message>
        <location filename="../../ui/member_dialogs.py" line="+51"/>
        <source>Edit member</source>
        <translation>Изменить клиента</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New member</source>
        <translation>Новый клиент</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>First and last name</source>
        <translation>Имя и фамилия</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mobile, any format</source>
        <translation>Мобильный, в любом виде</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>DD.MM.YYYY (optional)</source>
        <translation>ДД.ММ.ГГГГ (необязательно)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Agrees to receive offers</source>
        <translation>Согласен получать предложения</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan a pre-printed card now, or leave empty</source>
        <translation>Отсканируйте готовую карту или оставьте пустым</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>День рождения</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Card or phone of the member who invited them (optional)</source>
        <translation>Карта или телефон пригласившего участника (необязательно)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Empty: a new card number is issued.</source>
        <translation>Пусто — будет выдан новый номер карты.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+5"/>
        <source>Card</source>
        <translation>Карта</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Invited by</source>
        <translation>Пригласил</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no active card</source>
        <translation>нет активной карты</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Card lost? Scan the new card (or leave empty for a new number):</source>
        <translation>Карта утеряна? Отсканируйте новую (или оставьте пустым для нового номера):</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Block lost card and give the new one (manager)</source>
        <translation>Заблокировать утерянную и выдать новую (менеджер)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save and add to sale</source>
        <translation>Сохранить и добавить в чек</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Why the points change (required)</source>
        <translation>Причина изменения баллов (обязательно)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adjust points (manager)</source>
        <translation>Изменить баллы (менеджер)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Balance is now %1 points.</source>
        <translation>Баланс теперь: %1 баллов.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The birthday is not a date: write it as DD.MM.YYYY.</source>
        <translation>День рождения — не дата: пишите как ДД.ММ.ГГГГ.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Old card blocked; the points moved to card %1.</source>
        <translation>Старая карта заблокирована; баллы перешли на карту %1.</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <location filename="../../ui/member_panel.py" line="+22"/>
        <source>Member</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No member on this sale.
Scan a loyalty card, or press F2 to find by phone.</source>
        <translation>В чеке нет клиента.
Отсканируйте карту лояльности или нажмите F2, чтобы найти по телефону.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Birthday!</source>
        <translation>День рождения!</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>No tier</source>
        <translation>Без уровня</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no active card</source>
        <translation>нет активной карты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Card %1</source>
        <translation>Карта %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 more to reach %2</source>
        <translation>До уровня «%2» осталось %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Top tier reached</source>
        <translation>Достигнут высший уровень</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privileges: %1</source>
        <translation>Привилегии: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 waiting to become spendable</source>
        <translation>%1 ожидают начисления</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Birthday bonus on this purchase</source>
        <translation>Бонус на день рождения за эту покупку</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Balance is below zero after a return: points cannot be used until it recovers.</source>
        <translation>После возврата баланс ниже нуля: списывать баллы нельзя, пока он не восстановится.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>After this sale: %1 (−%2 used, +%3 earned)</source>
        <translation>После покупки: %1 (−%2 списано, +%3 начислено)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>birthday</source>
        <translation>день рождения</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>welcome</source>
        <translation>приветствие</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>referral</source>
        <translation>приглашение</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bonus: %1</source>
        <translation>Бонус: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Can use up to %1 on this sale (%2) — F5</source>
        <translation>Можно списать до %1 (%2) — F5</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No points can be used on this sale yet.</source>
        <translation>В этом чеке пока нельзя списать баллы.</translation>
    </message>
</context>
<context>
    <name>ParkedDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="+54"/>
        <source>Parked sales</source>
        <translation>Отложенные чеки</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>%1 — %2 items, %3</source>
        <translation>%1 — товаров: %2, %3</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recall</source>
        <translation>Вернуть</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <location filename="../../ui/pay_dialog.py" line="+34"/>
        <source>Payment</source>
        <translation>Оплата</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>To pay</source>
        <translation>К оплате</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>cash handed over</source>
        <translation>получено наличными</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>charged to card</source>
        <translation>списано с карты</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cash</source>
        <translation>Наличные</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Card</source>
        <translation>Карта</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Exact cash (F3)</source>
        <translation>Без сдачи (F3)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>All by card (F2)</source>
        <translation>Всё картой (F2)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Back to sale (Esc)</source>
        <translation>Назад к чеку (Esc)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Complete sale (Enter)</source>
        <translation>Провести оплату (Enter)</translation>
    </message>
    <message>
        <location line="+48"/>
        <location line="+19"/>
        <source>Not an amount</source>
        <translation>Это не сумма</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Still due: %1</source>
        <translation>Осталось оплатить: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Change: %1</source>
        <translation>Сдача: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Type the cash handed over, or choose card.</source>
        <translation>Введите полученную сумму наличными или выберите карту.</translation>
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
        <translation>ОК</translation>
    </message>
</context>
<context>
    <name>PrinterSettingsDialog</name>
    <message>
        <location filename="../../ui/print_dialogs.py" line="+20"/>
        <source>Receipt printer</source>
        <translation>Принтер чеков</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No printer (save receipts as PDF)</source>
        <translation>Без принтера (чеки сохраняются в PDF)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A printer installed on this computer</source>
        <translation>Принтер, установленный на этом компьютере</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A thermal receipt printer (ESC/POS)</source>
        <translation>Термопринтер чеков (ESC/POS)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Printer</source>
        <translation>Принтер</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>80 mm roll</source>
        <translation>Рулон 80 мм</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>58 mm roll</source>
        <translation>Рулон 58 мм</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A4 (office printer)</source>
        <translation>A4 (офисный принтер)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paper</source>
        <translation>Бумага</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print every receipt when the sale is paid</source>
        <translation>Печатать каждый чек после оплаты</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The default printer</source>
        <translation>Принтер по умолчанию</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>System printer</source>
        <translation>Системный принтер</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Network</source>
        <translation>Сеть</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+15"/>
        <source>Serial port</source>
        <translation>COM-порт</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Connected by</source>
        <translation>Подключение</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>USB vendor:product</source>
        <translation>USB vendor:product</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Network address</source>
        <translation>Сетевой адрес</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Speed</source>
        <translation>Скорость</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>By the shop&apos;s language</source>
        <translation>По языку магазина</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CP866 — Cyrillic</source>
        <translation>CP866 — кириллица</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CP1251 — Cyrillic (Windows)</source>
        <translation>CP1251 — кириллица (Windows)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CP852 — Romanian</source>
        <translation>CP852 — румынский</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CP1250 — Romanian (Windows)</source>
        <translation>CP1250 — румынский (Windows)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CP858 — Western, with €</source>
        <translation>CP858 — западная, с €</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Automatic (printers with many code pages)</source>
        <translation>Автоматически (для принтеров со многими кодовыми страницами)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Code page</source>
        <translation>Кодовая страница</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>ProductPickerDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="-18"/>
        <source>Choose a product</source>
        <translation>Выберите товар</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add to sale</source>
        <translation>Добавить в чек</translation>
    </message>
</context>
<context>
    <name>Programme</name>
    <message>
        <location filename="../../ui/programme_forms.py" line="+37"/>
        <source>Mon</source>
        <translation>Пн</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tue</source>
        <translation>Вт</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Wed</source>
        <translation>Ср</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thu</source>
        <translation>Чт</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Fri</source>
        <translation>Пт</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sat</source>
        <translation>Сб</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sun</source>
        <translation>Вс</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>YYYY-MM-DD, empty: always</source>
        <translation>ГГГГ-ММ-ДД, пусто: всегда</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>comma-separated, empty: all</source>
        <translation>через запятую, пусто: все</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>empty: the programme&apos;s</source>
        <translation>пусто: как в программе</translation>
    </message>
    <message>
        <location line="+81"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>ProgrammeDialog</name>
    <message>
        <location filename="../../ui/programme_dialog.py" line="+36"/>
        <source>Loyalty programme</source>
        <translation>Программа лояльности</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Programme</source>
        <translation>Программа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers</source>
        <translation>Уровни</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Promotions</source>
        <translation>Акции</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Coupons</source>
        <translation>Купоны</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preview</source>
        <translation>Предпросмотр</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+30"/>
        <location line="+9"/>
        <location line="+33"/>
        <location line="+4"/>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>Member discount, %</source>
        <translation>Скидка участника, %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for each purchase, % of money paid</source>
        <translation>Баллы за покупку, % от оплаченного деньгами</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One point is worth</source>
        <translation>Стоимость одного балла</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>0.01 makes points kopecks: cashback one to one</source>
        <translation>0,01 — баллы как копейки: кешбэк один к одному</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members may pay with points</source>
        <translation>Можно платить баллами</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points pay at most, % of the bill</source>
        <translation>Баллами — не больше, % от чека</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points can be used from a balance of</source>
        <translation>Списание баллов — от баланса</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points are used in steps of</source>
        <translation>Шаг списания баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All discounts together at most, %</source>
        <translation>Все скидки вместе не больше, %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers count spend over, days</source>
        <translation>Уровни считают покупки за, дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points expire after, days (0: never)</source>
        <translation>Баллы сгорают через, дней (0: никогда)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New points can be spent after, days</source>
        <translation>Новые баллы можно тратить через, дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome bonus, points</source>
        <translation>Приветственный бонус, баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome bonus comes</source>
        <translation>Приветственный бонус начисляется</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on registration</source>
        <translation>при регистрации</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>with the first purchase</source>
        <translation>при первой покупке</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday window, days either side</source>
        <translation>Окно дня рождения, дней до и после</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday bonus, points</source>
        <translation>Бонус на день рождения, баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday discount, %</source>
        <translation>Скидка на день рождения, %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral: points to the member who referred</source>
        <translation>Приглашение: баллы пригласившему</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Referral: points to the new member</source>
        <translation>Приглашение: баллы новому участнику</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categories with no discount and no points</source>
        <translation>Категории без скидок и баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Barcodes with no discount and no points</source>
        <translation>Штрихкоды без скидок и баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon: promotion code</source>
        <translation>Купон на следующую покупку: код акции</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon from a bill of</source>
        <translation>Купон на следующую покупку от чека</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next-visit coupon valid, days</source>
        <translation>Купон на следующую покупку действует, дней</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shop&apos;s time zone (e.g. Europe/Moscow)</source>
        <translation>Часовой пояс магазина (например, Europe/Moscow)</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+9"/>
        <location line="+20"/>
        <location line="+13"/>
        <location line="+4"/>
        <location line="+3"/>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <location line="-48"/>
        <location line="+41"/>
        <source>From a spend of</source>
        <translation>От суммы покупок</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>Points, % of money paid</source>
        <translation>Баллы, % от оплаченного деньгами</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+8"/>
        <source>Discount, %</source>
        <translation>Скидка, %</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Privileges shown to the cashier</source>
        <translation>Привилегии, которые видит кассир</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+36"/>
        <source>Kind</source>
        <translation>Вид</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Points multiplier, ×</source>
        <translation>Множитель баллов, ×</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points per unit bought</source>
        <translation>Баллов за единицу товара</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Buy</source>
        <translation>Купи</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Get free</source>
        <translation>Получи бесплатно</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Categories</source>
        <translation>Категории</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Barcodes</source>
        <translation>Штрихкоды</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiers (codes)</source>
        <translation>Уровни (коды)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Members only</source>
        <translation>Только для участников</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+14"/>
        <source>From date</source>
        <translation>С даты</translation>
    </message>
    <message>
        <location line="-14"/>
        <location line="+14"/>
        <source>To date</source>
        <translation>По дату</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>Weekdays (none: every day)</source>
        <translation>Дни недели (ни одного: каждый день)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From hour</source>
        <translation>С часа</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To hour</source>
        <translation>До часа</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Minimum bill</source>
        <translation>Минимальный чек</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Minimum quantity</source>
        <translation>Минимальное количество</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only with a coupon</source>
        <translation>Только по купону</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Priority (lower first)</source>
        <translation>Приоритет (меньше — раньше)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Exclusive: no other discount on the same item</source>
        <translation>Исключительная: других скидок на этот товар нет</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Promotion code</source>
        <translation>Код акции</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uses in all (0: unlimited)</source>
        <translation>Всего использований (0: без ограничений)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Uses per member (0: unlimited)</source>
        <translation>Использований на участника (0: без ограничений)</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+5"/>
        <source>Discount</source>
        <translation>Скидка</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Points multiplier</source>
        <translation>Множитель баллов</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points for buying</source>
        <translation>Баллы за покупку товара</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Buy X get Y</source>
        <translation>Купи X — получи Y</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Points</source>
        <translation>Баллы</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Privileges</source>
        <translation>Привилегии</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gives</source>
        <translation>Даёт</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>On</source>
        <translation>На что</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+226"/>
        <source>Promotion</source>
        <translation>Акция</translation>
    </message>
    <message>
        <location line="-226"/>
        <source>Uses in all</source>
        <translation>Всего использований</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Per member</source>
        <translation>На участника</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Valid</source>
        <translation>Действует</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add…</source>
        <translation>Добавить…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit…</source>
        <translation>Изменить…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Customer</source>
        <translation>Покупатель</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Birthday this week</source>
        <translation>День рождения на этой неделе</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>At</source>
        <translation>Время</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Check</source>
        <translation>Проверить</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save draft</source>
        <translation>Сохранить черновик</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open draft</source>
        <translation>Открыть черновик</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>In force from</source>
        <translation>Действует с</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Publish</source>
        <translation>Опубликовать</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What-if…</source>
        <translation>Что если…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import…</source>
        <translation>Импорт…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Editing a copy of draft version %1. Nothing changes at the till until you publish.</source>
        <translation>Редактируется копия черновика, версия %1. На кассе ничего не изменится, пока вы не опубликуете.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Editing a copy of version %1 (in force). Nothing changes at the till until you publish.</source>
        <translation>Редактируется копия версии %1 (действующей). На кассе ничего не изменится, пока вы не опубликуете.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>everything</source>
        <translation>всё</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not a member</source>
        <translation>Не участник</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Member, %1</source>
        <translation>Участник, %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 + %2 free</source>
        <translation>%1 + %2 бесплатно</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>coupon</source>
        <translation>купон</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>always</source>
        <translation>всегда</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Choose a row first.</source>
        <translation>Сначала выберите строку.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>New tier</source>
        <translation>Новый уровень</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tier</source>
        <translation>Уровень</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>New promotion</source>
        <translation>Новая акция</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>New coupon</source>
        <translation>Новый купон</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Coupon</source>
        <translation>Купон</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>No problems found.</source>
        <translation>Проблем не найдено.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Subtotal %1 · discounts %2 · total %3 · points %4</source>
        <translation>Сумма %1 · скидки %2 · итого %3 · баллы %4</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Saved as draft version %1: it does not apply until published.</source>
        <translation>Сохранено как черновик, версия %1: не действует, пока не опубликована.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Version %1 published: in force from %2.</source>
        <translation>Версия %1 опубликована: действует с %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Exported to %1.</source>
        <translation>Экспортировано в %1.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Export programme</source>
        <translation>Экспорт программы</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Import programme</source>
        <translation>Импорт программы</translation>
    </message>
</context>
<context>
    <name>QuantityDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="-117"/>
        <source>Quantity</source>
        <translation>Количество</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Set quantity</source>
        <translation>Установить количество</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <location filename="../../ui/cart_table.py" line="+24"/>
        <source>member −%1</source>
        <translation>клиент −%1</translation>
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
        <translation>менеджер −%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no loyalty (%1)</source>
        <translation>без программы (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>capped at %1</source>
        <translation>ограничено %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>points −%1</source>
        <translation>баллами −%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+%1</source>
        <translation>+%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1: %2 free</source>
        <translation>%1: %2 бесплатно</translation>
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
        <translation>день рождения −%1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Item</source>
        <translation>Товар</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Qty</source>
        <translation>Кол.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Discount</source>
        <translation>Скидка</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sum</source>
        <translation>Сумма</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Why</source>
        <translation>Почему</translation>
    </message>
</context>
<context>
    <name>ReceiptsDialog</name>
    <message>
        <location filename="../../ui/print_dialogs.py" line="-400"/>
        <source>Receipts</source>
        <translation>Чеки</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Scan the receipt or type its number</source>
        <translation>Отсканируйте чек или введите его номер</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Recent sales on this till</source>
        <translation>Последние продажи на этой кассе</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Print</source>
        <translation>Печать</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save as PDF…</source>
        <translation>Сохранить как PDF…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Return…</source>
        <translation>Возврат…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Printing…</source>
        <translation>Печать…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Receipt %1 sent to the printer.</source>
        <translation>Чек %1 отправлен на принтер.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save receipt PDF</source>
        <translation>Сохранить чек в PDF</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Receipt saved: %1</source>
        <translation>Чек сохранён: %1</translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="+15"/>
        <source>Pay with points</source>
        <translation>Оплата баллами</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Balance %1. This sale can take up to %2.</source>
        <translation>Баланс %1. В этом чеке можно списать до %2.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Max</source>
        <translation>Максимум</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>None</source>
        <translation>Не списывать</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Use points</source>
        <translation>Списать баллы</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>= %1 off the bill</source>
        <translation>= %1 из суммы чека</translation>
    </message>
</context>
<context>
    <name>ReturnDialog</name>
    <message>
        <location filename="../../ui/return_dialog.py" line="+30"/>
        <source>Return</source>
        <translation>Возврат</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Receipt number, e.g. T01-000123</source>
        <translation>Номер чека, например T01-000123</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Find receipt</source>
        <translation>Найти чек</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Item</source>
        <translation>Товар</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sold</source>
        <translation>Продано</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Returned before</source>
        <translation>Уже возвращено</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Paid</source>
        <translation>Оплачено</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Return now</source>
        <translation>Вернуть сейчас</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Whole sale</source>
        <translation>Весь чек</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Return selected (manager)</source>
        <translation>Вернуть выбранное (менеджер)</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Receipt %1 of %2: %3, paid %4</source>
        <translation>Чек %1 от %2: %3, оплачено %4</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>; points used %1, earned %2</source>
        <translation>; списано %1, начислено %2</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Will give back %1.</source>
        <translation>Вернуть покупателю %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points to take back %1, to give back %2.</source>
        <translation>Списать начисленные %1, вернуть списанные %2.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>That item is not left to return on this receipt.</source>
        <translation>Этого товара в чеке к возврату не осталось.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Set how many of which items come back, or press Whole sale.</source>
        <translation>Укажите, сколько каких товаров возвращают, или нажмите «Весь чек».</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Give back %1: %2 to the card, %3 in cash.</source>
        <translation>Вернуть %1: %2 на карту, %3 наличными.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>in cash</source>
        <translation>наличными</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>to the card</source>
        <translation>на карту</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give back %1 %2.</source>
        <translation>Выдайте %1 %2.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Points taken back %1, given back %2; balance now %3.</source>
        <translation>Баллов отозвано %1, возвращено %2; баланс теперь %3.</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/formatting.py" line="+38"/>
        <source>cashier</source>
        <translation>кассир</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>manager</source>
        <translation>менеджер</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>owner</source>
        <translation>владелец</translation>
    </message>
</context>
<context>
    <name>SaleDialogs</name>
    <message>
        <location filename="../../ui/sale_dialogs.py" line="-73"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <location filename="../../ui/sync_status.py" line="+45"/>
        <source>Sync now</source>
        <translation>Синхронизировать</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Offline — sales are kept on this till</source>
        <translation>Нет связи — продажи хранятся на этой кассе</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Online · %1 waiting · last sync %2</source>
        <translation>На связи · в очереди: %1 · последняя синхронизация %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The hub refuses this till&apos;s token · %1 waiting</source>
        <translation>Сервер сети не принимает ключ этой кассы · в очереди: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Offline · %1 waiting · balances as of %2</source>
        <translation>Нет связи · в очереди: %1 · балансы на %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>never</source>
        <translation>никогда</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Sync failed unexpectedly; the details are in the till&apos;s log.</source>
        <translation>Синхронизация неожиданно не удалась; подробности в журнале кассы.</translation>
    </message>
</context>
<context>
    <name>Tiers</name>
    <message>
        <location filename="../../ui/formatting.py" line="-11"/>
        <source>Base</source>
        <translation>Базовый</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Silver</source>
        <translation>Серебряный</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gold</source>
        <translation>Золотой</translation>
    </message>
</context>
<context>
    <name>TotalsPanel</name>
    <message>
        <location filename="../../ui/totals_panel.py" line="-78"/>
        <source>Items</source>
        <translation>Товаров</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subtotal</source>
        <translation>Сумма без скидок</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discount</source>
        <translation>Скидка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paid by points</source>
        <translation>Оплачено баллами</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Points to earn</source>
        <translation>Будет начислено</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To pay</source>
        <translation>К оплате</translation>
    </message>
</context>
<context>
    <name>WhatIfDialog</name>
    <message>
        <location filename="../../ui/whatif_dialog.py" line="+41"/>
        <source>What-if: this programme on real sales</source>
        <translation>Что если: эта программа на реальных продажах</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Replay</source>
        <translation>Пересчитать</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Measure</source>
        <translation>Показатель</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Simulated</source>
        <translation>Симуляция</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Actual</source>
        <translation>Фактически</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Difference</source>
        <translation>Разница</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Export CSV…</source>
        <translation>Экспорт CSV…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Replaying the sales…</source>
        <translation>Пересчитываем продажи…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revenue</source>
        <translation>Выручка</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discounts given</source>
        <translation>Выдано скидок</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+20"/>
        <source>Points issued</source>
        <translation>Начислено баллов</translation>
    </message>
    <message>
        <location line="-19"/>
        <location line="+20"/>
        <source>Points redeemed</source>
        <translation>Списано баллов</translation>
    </message>
    <message>
        <location line="-19"/>
        <source>Liability (points outstanding)</source>
        <translation>Обязательства (непогашенные баллы)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cost, % of revenue</source>
        <translation>Затраты, % от выручки</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Members changing tier</source>
        <translation>Участники, сменившие уровень</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Discounts</source>
        <translation>Скидки</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Liability</source>
        <translation>Обязательства</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 sales from %2 to %3 replayed.</source>
        <translation>Пересчитано продаж: %1, с %2 по %3.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved %1.</source>
        <translation>Сохранено: %1.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export CSV</source>
        <translation>Экспорт CSV</translation>
    </message>
</context>
</TS>
