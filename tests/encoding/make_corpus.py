#!/usr/bin/env python3
"""make_corpus.py - a labelled corpus for measuring charset detection.

    python3 make_corpus.py OUTDIR

writes OUTDIR/<name> files and OUTDIR/labels.tsv, one line per file:

    name <TAB> charset <TAB> language <TAB> length <TAB> note

charset is the encoding the bytes were written in (an IANA name that ICU
converts); length is short (a few words), line, para or long (about 3 KB);
note says what else the file is (xml, html, a wrong declaration, invalid
UTF-8, no BOM). A "short" file may honestly be called undetermined.

The prose is written for this corpus: notices of the kind a town hall, a
library or a newspaper publishes, in the languages and the encodings such
text is really found in. Characters an encoding lacks are replaced the way
editors do (curly quotes by straight ones, the euro sign by EUR, Romanian
comma-below letters by cedilla ones); anything else unencodable is a bug
in this script and stops it. Output depends on nothing but this file.
"""
import os
import sys
import unicodedata

TEXT = {
"en": [
    "The city council met on Tuesday evening to discuss the new parking "
    "rules for the old town. Residents complained that the signs were "
    "confusing \u2014 some streets allow parking only on weekdays, others "
    "only after six o\u2019clock. \u201cWe just want one simple rule,\u201d "
    "said Mary Holt, who has lived on Bridge Street for thirty years.",
    "The council agreed to print a clearer map and to review the fines next "
    "spring. Until then, drivers who receive a ticket may appeal it online "
    "or at the front desk of the town hall, which is open from nine to five "
    "\u2026 except on public holidays.",
],
"fr": [
    "Le march\u00e9 de la place Saint-Michel ouvrira d\u00e9sormais \u00e0 "
    "sept heures, m\u00eame le dimanche. Les commer\u00e7ants ont obtenu "
    "cette d\u00e9cision apr\u00e8s une longue n\u00e9gociation avec la "
    "mairie, qui craignait les plaintes des riverains. \u00ab C\u2019est une "
    "bonne nouvelle pour tout le quartier \u00bb, a d\u00e9clar\u00e9 "
    "\u00c9lodie Garnier, fromag\u00e8re depuis vingt-deux ans.",
    "Les prix restent stables : le kilo de p\u00eaches co\u00fbte 3,50 "
    "\u20ac, et les \u0153ufs bio sont vendus \u00e0 l\u2019unit\u00e9. Pour "
    "la premi\u00e8re fois, un stand de cr\u00eapes bretonnes "
    "s\u2019installera pr\u00e8s de la fontaine. Les enfants du coll\u00e8ge "
    "voisin pourront y go\u00fbter gratuitement le mercredi "
    "apr\u00e8s-midi.",
],
"de": [
    "Die Stadtwerke k\u00fcndigen f\u00fcr n\u00e4chste Woche Bauarbeiten in "
    "der Gartenstra\u00dfe an. W\u00e4hrend der Arbeiten wird die "
    "Wasserversorgung zwischen acht und zw\u00f6lf Uhr kurzzeitig "
    "unterbrochen. Anwohner sollten gr\u00f6\u00dfere Wassermengen vorher "
    "abf\u00fcllen und die H\u00e4hne danach einige Minuten laufen lassen.",
    "\u201eWir bitten um Verst\u00e4ndnis f\u00fcr die "
    "Unannehmlichkeiten\u201c, erkl\u00e4rte der Sprecher J\u00fcrgen "
    "Wei\u00df. Die Kosten von rund 180.000 \u20ac \u00fcbernimmt die "
    "Gemeinde; die Stra\u00dfe soll bis Ende Oktober fertig sein. F\u00fcr "
    "R\u00fcckfragen ist das B\u00fcrgerb\u00fcro montags bis freitags "
    "erreichbar.",
],
"es": [
    "El ayuntamiento de la ciudad anunci\u00f3 ayer que la biblioteca "
    "municipal ampliar\u00e1 su horario durante el verano. A partir de "
    "junio, las salas de estudio abrir\u00e1n de lunes a s\u00e1bado hasta "
    "las diez de la noche. \u00abMuchos j\u00f3venes necesitan un lugar "
    "tranquilo para preparar sus ex\u00e1menes\u00bb, explic\u00f3 la "
    "concejala Mar\u00eda Jos\u00e9 N\u00fa\u00f1ez.",
    "Adem\u00e1s, se organizar\u00e1n talleres de lectura para ni\u00f1os y "
    "clases de inform\u00e1tica para mayores. La inscripci\u00f3n es "
    "gratuita, pero las plazas son limitadas. \u00bfQuiere participar? "
    "Pregunte en el mostrador de informaci\u00f3n o llame por "
    "tel\u00e9fono antes del d\u00eda quince.",
],
"pt": [
    "A prefeitura informou que as obras na avenida principal "
    "come\u00e7ar\u00e3o na pr\u00f3xima segunda-feira. Durante tr\u00eas "
    "semanas, o tr\u00e2nsito ser\u00e1 desviado pelas ruas laterais, e os "
    "\u00f4nibus mudar\u00e3o de itiner\u00e1rio. Os comerciantes da "
    "regi\u00e3o est\u00e3o preocupados com a diminui\u00e7\u00e3o do "
    "movimento, mas reconhecem que a reforma \u00e9 necess\u00e1ria.",
    "Segundo o engenheiro respons\u00e1vel, Jo\u00e3o Concei\u00e7\u00e3o, "
    "a nova pavimenta\u00e7\u00e3o dever\u00e1 durar pelo menos quinze "
    "anos. As cal\u00e7adas tamb\u00e9m ser\u00e3o alargadas para facilitar "
    "a circula\u00e7\u00e3o de pedestres e cadeiras de rodas. Em caso de "
    "d\u00favidas, a popula\u00e7\u00e3o pode entrar em contato com a "
    "secretaria de obras.",
],
"it": [
    "Il comune ha annunciato che da luned\u00ec prossimo cambier\u00e0 "
    "l\u2019orario della raccolta dei rifiuti nel centro storico. I "
    "sacchetti dovranno essere esposti dopo le venti e ritirati entro le "
    "sei del mattino. Secondo l\u2019assessore, la novit\u00e0 render\u00e0 "
    "le strade pi\u00f9 pulite e pi\u00f9 sicure per i pedoni.",
    "Chi non potr\u00e0 rispettare il nuovo orario potr\u00e0 portare i "
    "rifiuti all\u2019isola ecologica, aperta anche il sabato. Le multe "
    "per chi abbandona i sacchetti per strada arriveranno fino a 500 "
    "\u20ac; \u00e8 per\u00f2 previsto un mese di tolleranza.",
],
"sv": [
    "Kommunen meddelade i g\u00e5r att det nya badhuset \u00f6ppnar "
    "f\u00f6rst i h\u00f6st. Byggarbetet har f\u00f6rsenats p\u00e5 grund "
    "av problem med ventilationen, och entrepren\u00f6ren beh\u00f6ver "
    "ytterligare n\u00e5gra m\u00e5nader. F\u00f6reningar som hyrt tider i "
    "bass\u00e4ngen f\u00e5r pengarna tillbaka eller kan v\u00e4lja att "
    "flytta sina bokningar.",
    "\u2013 Vi f\u00f6rst\u00e5r att m\u00e5nga \u00e4r besvikna, s\u00e4ger "
    "fritidschefen \u00c5sa Lindstr\u00f6m. Under v\u00e4ntetiden f\u00e5r "
    "skolklasserna simundervisning i grannkommunens hall, och bussresorna "
    "betalas av kommunen.",
],
"pl": [
    "W przysz\u0142ym tygodniu w centrum miasta rozpocznie si\u0119 remont "
    "g\u0142\u00f3wnej ulicy. Przez dwa miesi\u0105ce kierowcy b\u0119d\u0105 "
    "musieli korzysta\u0107 z objazd\u00f3w, a przystanki autobusowe "
    "zostan\u0105 przeniesione. Mieszka\u0144cy obawiaj\u0105 si\u0119 "
    "kork\u00f3w, ale w\u0142adze zapewniaj\u0105, \u017ce prace "
    "zako\u0144cz\u0105 si\u0119 przed zim\u0105.",
    "\u201eZale\u017cy nam na tym, \u017ceby utrudnienia by\u0142y jak "
    "najmniejsze\u201d \u2013 powiedzia\u0142 rzecznik urz\u0119du, "
    "\u0141ukasz W\u00f3jcik. Sklepy i restauracje pozostan\u0105 otwarte, "
    "a doj\u015bcie do nich b\u0119dzie oznakowane. Szczeg\u00f3\u0142owy "
    "harmonogram rob\u00f3t mo\u017cna znale\u017a\u0107 na tablicach "
    "og\u0142osze\u0144 oraz w lokalnej gazecie. \u015arodowe targi "
    "odb\u0119d\u0105 si\u0119 bez zmian.",
],
"cs": [
    "M\u011bstsk\u00e1 knihovna v Brn\u011b od p\u0159\u00ed\u0161t\u00edho "
    "m\u011bs\u00edce roz\u0161\u00ed\u0159\u00ed otev\u00edrac\u00ed dobu. "
    "\u010cten\u00e1\u0159i si budou moci p\u016fj\u010dovat knihy i v "
    "sobotu odpoledne a v l\u00e9t\u011b bude p\u0159\u00edstupn\u00e1 "
    "tak\u00e9 terasa s \u010d\u00edt\u00e1rnou. \u0158editelka knihovny "
    "uvedla, \u017ee o zm\u011bnu \u017e\u00e1dali hlavn\u011b studenti a "
    "rodiny s d\u011btmi.",
    "Krom\u011b toho knihovna p\u0159ipravuje s\u00e9rii p\u0159edn\u00e1\u0161ek "
    "o historii m\u011bsta a kurzy pr\u00e1ce s po\u010d\u00edta\u010dem pro "
    "seniory. Vstup na v\u0161echny akce je zdarma, ale kapacita s\u00e1lu je "
    "omezen\u00e1, a proto je nutn\u00e9 se p\u0159edem p\u0159ihl\u00e1sit. "
    "Podrobnosti najdete na n\u00e1st\u011bnce ve vstupn\u00ed hale. "
    "\u0160atna z\u016fst\u00e1v\u00e1 v p\u0159\u00edzem\u00ed.",
],
"hu": [
    "A f\u0151v\u00e1rosi k\u00f6zleked\u00e9si v\u00e1llalat "
    "bejelentette, hogy j\u00faliust\u00f3l \u00faj \u00e9jszakai "
    "buszj\u00e1ratok indulnak a bels\u0151 ker\u00fcletekben. Az utasok "
    "\u00edgy hajnalig eljuthatnak a p\u00e1lyaudvarokra \u00e9s a "
    "k\u00f3rh\u00e1zakhoz. A menetrendet a meg\u00e1ll\u00f3kban \u00e9s "
    "az \u00fcgyf\u00e9lszolg\u00e1lati irod\u00e1kban is "
    "kif\u00fcggesztik.",
    "Sz\u0151ke Gy\u00f6ngyi, a t\u00e1rsas\u00e1g sz\u00f3viv\u0151je "
    "szerint a v\u00e1ltoz\u00e1s f\u0151k\u00e9nt a m\u0171szakban "
    "dolgoz\u00f3knak seg\u00edt. A jegyek \u00e9s b\u00e9rletek \u00e1ra "
    "nem m\u00f3dosul, de a j\u00e1rm\u0171veken csak \u00e9rint\u00e9s "
    "n\u00e9lk\u00fcli fizet\u00e9s lesz lehets\u00e9ges. "
    "\u00c9szrev\u00e9teleiket a lak\u00f3k \u00edr\u00e1sban is "
    "elk\u00fcldhetik.",
],
"ro": [
    "Prim\u0103ria municipiului a anun\u021bat c\u0103 lucr\u0103rile de "
    "reabilitare a parcului central vor \u00eencepe \u00een luna martie. "
    "Aleile vor fi pavate din nou, iar b\u0103ncile vechi vor fi "
    "\u00eenlocuite cu unele mai comode. Locuitorii cartierului au cerut de "
    "mult timp \u0219i un loc de joac\u0103 modern pentru copii.",
    "Potrivit viceprimarului, \u0218tefan Mure\u0219an, proiectul va costa "
    "aproximativ dou\u0103 milioane de lei \u0219i va fi finan\u021bat "
    "\u00een mare parte din fonduri europene. Pe durata \u0219antierului, "
    "accesul \u00een parc va fi restric\u021bionat, \u00eens\u0103 "
    "pia\u021ba de flori din apropiere r\u0103m\u00e2ne deschis\u0103.",
],
"tr": [
    "Belediye, \u015fehir merkezindeki tarihi \u00e7ar\u015f\u0131n\u0131n "
    "restorasyonuna \u00f6n\u00fcm\u00fczdeki ay ba\u015flanaca\u011f\u0131n\u0131 "
    "a\u00e7\u0131klad\u0131. \u00c7al\u0131\u015fmalar s\u0131ras\u0131nda "
    "d\u00fckk\u00e2nlar\u0131n \u00e7o\u011fu a\u00e7\u0131k kalacak, "
    "ancak baz\u0131 sokaklar ge\u00e7ici olarak yaya trafi\u011fine "
    "kapat\u0131lacak. Esnaf, m\u00fc\u015fteri kayb\u0131ndan endi\u015fe "
    "etti\u011fini s\u00f6yl\u00fcyor.",
    "Proje sorumlusu Ay\u015fe G\u00fcne\u015f, eski ta\u015f "
    "d\u00f6\u015femenin korunaca\u011f\u0131n\u0131 ve "
    "ayd\u0131nlatman\u0131n tamamen yenilenece\u011fini belirtti. "
    "\u0130\u015flerin yaz sonuna kadar bitirilmesi planlan\u0131yor. "
    "Ziyaret\u00e7iler, g\u00fcncel bilgileri belediyenin duyuru "
    "panolar\u0131ndan \u00f6\u011frenebilir.",
],
"el": [
    "\u039f \u03b4\u03ae\u03bc\u03bf\u03c2 \u03b1\u03bd\u03b1\u03ba\u03bf\u03af\u03bd\u03c9\u03c3\u03b5 "
    "\u03cc\u03c4\u03b9 \u03b1\u03c0\u03cc \u03c4\u03b7 \u0394\u03b5\u03c5\u03c4\u03ad\u03c1\u03b1 "
    "\u03b8\u03b1 \u03be\u03b5\u03ba\u03b9\u03bd\u03ae\u03c3\u03bf\u03c5\u03bd "
    "\u03b5\u03c1\u03b3\u03b1\u03c3\u03af\u03b5\u03c2 \u03c3\u03c5\u03bd\u03c4\u03ae\u03c1\u03b7\u03c3\u03b7\u03c2 "
    "\u03c3\u03c4\u03bf \u03b4\u03b7\u03bc\u03bf\u03c4\u03b9\u03ba\u03cc "
    "\u03ba\u03bf\u03bb\u03c5\u03bc\u03b2\u03b7\u03c4\u03ae\u03c1\u03b9\u03bf. "
    "\u0397 \u03c0\u03b9\u03c3\u03af\u03bd\u03b1 \u03b8\u03b1 "
    "\u03c0\u03b1\u03c1\u03b1\u03bc\u03b5\u03af\u03bd\u03b5\u03b9 "
    "\u03ba\u03bb\u03b5\u03b9\u03c3\u03c4\u03ae \u03b3\u03b9\u03b1 \u03b4\u03cd\u03bf "
    "\u03b5\u03b2\u03b4\u03bf\u03bc\u03ac\u03b4\u03b5\u03c2, \u03b5\u03bd\u03ce "
    "\u03c4\u03b1 \u03bc\u03b1\u03b8\u03ae\u03bc\u03b1\u03c4\u03b1 "
    "\u03ba\u03bf\u03bb\u03cd\u03bc\u03b2\u03b7\u03c3\u03b7\u03c2 \u03b3\u03b9\u03b1 "
    "\u03c0\u03b1\u03b9\u03b4\u03b9\u03ac \u03b8\u03b1 "
    "\u03bc\u03b5\u03c4\u03b1\u03c6\u03b5\u03c1\u03b8\u03bf\u03cd\u03bd "
    "\u03c3\u03c4\u03bf \u03b3\u03b5\u03b9\u03c4\u03bf\u03bd\u03b9\u03ba\u03cc "
    "\u03b3\u03c5\u03bc\u03bd\u03b1\u03c3\u03c4\u03ae\u03c1\u03b9\u03bf.",
    "\u00ab\u0396\u03b7\u03c4\u03bf\u03cd\u03bc\u03b5 \u03c4\u03b7\u03bd "
    "\u03ba\u03b1\u03c4\u03b1\u03bd\u03cc\u03b7\u03c3\u03b7 \u03c4\u03c9\u03bd "
    "\u03c0\u03bf\u03bb\u03b9\u03c4\u03ce\u03bd\u00bb, \u03b4\u03ae\u03bb\u03c9\u03c3\u03b5 "
    "\u03bf \u03b1\u03bd\u03c4\u03b9\u03b4\u03ae\u03bc\u03b1\u03c1\u03c7\u03bf\u03c2 "
    "\u0386\u03b3\u03b3\u03b5\u03bb\u03bf\u03c2 "
    "\u03a0\u03b1\u03c0\u03b1\u03b4\u03cc\u03c0\u03bf\u03c5\u03bb\u03bf\u03c2. "
    "\u038c\u03bb\u03b5\u03c2 \u03bf\u03b9 \u03c3\u03c5\u03bd\u03b4\u03c1\u03bf\u03bc\u03ad\u03c2 "
    "\u03b8\u03b1 \u03c0\u03b1\u03c1\u03b1\u03c4\u03b1\u03b8\u03bf\u03cd\u03bd "
    "\u03b1\u03c5\u03c4\u03cc\u03bc\u03b1\u03c4\u03b1, \u03c7\u03c9\u03c1\u03af\u03c2 "
    "\u03b5\u03c0\u03b9\u03c0\u03bb\u03ad\u03bf\u03bd \u03c7\u03c1\u03ad\u03c9\u03c3\u03b7. "
    "\u0393\u03b9\u03b1 \u03c0\u03b5\u03c1\u03b9\u03c3\u03c3\u03cc\u03c4\u03b5\u03c1\u03b5\u03c2 "
    "\u03c0\u03bb\u03b7\u03c1\u03bf\u03c6\u03bf\u03c1\u03af\u03b5\u03c2, \u03bf\u03b9 "
    "\u03b5\u03bd\u03b4\u03b9\u03b1\u03c6\u03b5\u03c1\u03cc\u03bc\u03b5\u03bd\u03bf\u03b9 "
    "\u03bc\u03c0\u03bf\u03c1\u03bf\u03cd\u03bd \u03bd\u03b1 "
    "\u03b5\u03c0\u03b9\u03ba\u03bf\u03b9\u03bd\u03c9\u03bd\u03ae\u03c3\u03bf\u03c5\u03bd "
    "\u03bc\u03b5 \u03c4\u03b7 \u03b3\u03c1\u03b1\u03bc\u03bc\u03b1\u03c4\u03b5\u03af\u03b1.",
],
"ru": [
    "В субботу в городском парке пройдёт ярмарка местных производителей. "
    "Фермеры из соседних районов привезут мёд, сыр, свежие овощи и домашнюю "
    "выпечку. Организаторы обещают музыкальную программу и конкурсы для "
    "детей, а вход на ярмарку будет свободным.",
    "\u00abМы хотим, чтобы жители знали своих фермеров в лицо\u00bb, \u2014 "
    "рассказала заместитель главы администрации Ольга Николаевна Смирнова. "
    "Из-за ярмарки часть улицы Ленина будет закрыта для машин с восьми утра "
    "до шести вечера. Парковаться можно у стадиона.",
],
"uk": [
    "Міська рада ухвалила рішення про ремонт шкільного стадіону на вулиці "
    "Шевченка. Роботи розпочнуться одразу після завершення навчального року "
    "й триватимуть усе літо. Учні та їхні батьки давно скаржилися на "
    "поганий стан бігових доріжок і футбольного поля.",
    "За словами директорки школи Ганни Ковальчук, новий стадіон стане "
    "доступним і для мешканців району у вечірній час. Кошти на ремонт "
    "виділено з міського бюджету, а частину обладнання передасть місцевий "
    "спортивний клуб. Громадське обговорення проєкту відбудеться в четвер "
    "на ґанку школи.",
],
"bg": [
    "Общината обяви, че от следващия месец започва ремонт на централния "
    "площад. Фонтанът ще бъде възстановен, а около него ще бъдат засадени "
    "нови дървета и цветя. Жителите на града отдавна искаха площадът да "
    "стане по-зелен и по-удобен за разходки.",
    "Според кмета ремонтът ще продължи около четири месеца и ще струва "
    "близо два милиона лева. През това време пазарът ще се премести на "
    "съседната улица. Всички подробности ще бъдат публикувани в местния "
    "вестник и на таблото пред общината.",
],
"lt": [
    "Miesto savivaldyb\u0117 prane\u0161\u0117, kad nuo kito m\u0117nesio bus "
    "prad\u0117tas senamies\u010dio gatvi\u0173 remontas. Darbai truks "
    "ma\u017edaug du m\u0117nesius, tod\u0117l automobili\u0173 eismas kai "
    "kuriose gatv\u0117se bus ribojamas. Gyventojai pra\u0161omi i\u0161 "
    "anksto pasir\u016bpinti, kur paliks savo automobilius.",
    "Pasak projekto vadov\u0117s R\u016btos \u017demaitien\u0117s, naujas "
    "grindinys bus tvirtesnis ir saugesnis p\u0117stiesiems. "
    "Parduotuv\u0117s ir kavin\u0117s dirbs \u012fprastai. I\u0161samesn\u0119 "
    "informacij\u0105 galima rasti seni\u016bnijoje arba paskambinus "
    "nurodytu telefonu.",
],
"lv": [
    "Pils\u0113tas dome pazi\u0146oja, ka n\u0101kamned\u0113\u013c "
    "s\u0101ksies vec\u0101s tirgus \u0113kas atjauno\u0161ana. "
    "B\u016bvdarbi ilgs aptuveni pusgadu, un \u0161aj\u0101 laik\u0101 "
    "tirgot\u0101ji str\u0101d\u0101s pagaidu paviljonos blakus upei. "
    "Iedz\u012bvot\u0101ji ir aicin\u0101ti izteikt savus ierosin\u0101jumus "
    "par \u0113kas turpm\u0101ko izmanto\u0161anu.",
    "Domes priek\u0161s\u0113d\u0113t\u0101js sol\u012bja, ka tirgus "
    "atkal b\u016bs atv\u0113rts pirms Ziemassv\u0113tkiem. "
    "Autost\u0101vvieta pie upes \u0161aj\u0101 laik\u0101 b\u016bs "
    "bezmaksas, bet g\u0101j\u0113ju tilts tiks sl\u0113gts.",
],
"he": [
    "העירייה הודיעה כי בשבוע הבא יתחילו עבודות שיפוץ בספרייה העירונית. "
    "במהלך העבודות הספרייה תהיה סגורה, אך ניתן יהיה להחזיר ספרים בתיבה "
    "שליד הכניסה. לדברי מנהלת הספרייה, השיפוץ יכלול אולם קריאה חדש ופינה "
    "מיוחדת לילדים.",
    "העבודות צפויות להסתיים לפני חגי תשרי, ועלותן מוערכת בכ-2 מיליון ש\"ח. "
    "תושבים המעוניינים לקבל עדכונים יכולים להירשם ברשימת הדיוור של "
    "העירייה או לפנות למוקד הטלפוני בשעות הפעילות.",
],
"ar": [
    "أعلنت البلدية أن أعمال صيانة الحديقة العامة ستبدأ في بداية الشهر "
    "المقبل. وستشمل الأعمال زراعة أشجار جديدة وتركيب مقاعد وإنارة حديثة "
    "على طول الممرات. وقال المسؤول عن المشروع إن الحديقة ستبقى مفتوحة "
    "جزئيا خلال فترة العمل.",
    "ويأمل سكان الحي أن تصبح الحديقة مكانا آمنا للعائلات والأطفال في "
    "المساء. ويمكن للمواطنين تقديم اقتراحاتهم عبر مكتب خدمة الجمهور في "
    "مبنى البلدية من الأحد إلى الخميس.",
],
"ja": [
    "市役所は来月から図書館の開館時間を延長すると発表しました。平日は午後九時まで、"
    "土曜日と日曜日は午後六時まで利用できるようになります。学生や仕事帰りの会社員から、"
    "夜も勉強できる場所がほしいという声が多く寄せられていました。",
    "また、館内には新しく自習室とカフェコーナーが設けられる予定です。利用には図書館"
    "カードが必要で、カードは受付で無料で作ることができます。詳しいことは、市の"
    "ホームページか広報誌をご覧ください。",
],
"zh-hans": [
    "市政府昨天宣布，从下个月开始，市中心的公园将延长开放时间。每天早上六点开门，"
    "晚上十点关门。许多市民表示，这样下班以后也可以去公园散步和锻炼身体。",
    "公园管理处还计划增加照明设备和休息座椅，并在湖边修建一条新的自行车道。有关负责人"
    "说，所有工程预计在国庆节以前完成。市民如有意见和建议，可以通过热线电话反映。",
],
"zh-hant": [
    "台北市立圖書館宣佈，總館將於下個月起延長開放時間，週一至週六開放到晚上十點。"
    "館方表示，許多學生和上班族希望晚上也能有安靜的地方讀書，因此決定調整服務時間。",
    "此外，圖書館將增設自修室與兒童閱讀區，並舉辦一系列免費的電腦課程與講座。"
    "讀者如有任何問題，歡迎在開放時間內到服務台詢問，或撥打客服專線。",
],
"ko": [
    "시청은 다음 달부터 시립 도서관의 운영 시간을 연장한다고 발표했습니다. 평일에는 밤 "
    "열 시까지, 주말에는 오후 여섯 시까지 이용할 수 있습니다. 많은 학생과 직장인들이 "
    "저녁에도 공부할 수 있는 장소가 필요하다고 요청해 왔습니다.",
    "도서관에는 새로운 열람실과 어린이 전용 공간도 마련될 예정입니다. 회원 카드는 안내 "
    "데스크에서 무료로 발급받을 수 있으며, 자세한 내용은 시청 홈페이지에서 확인할 수 "
    "있습니다.",
],
"vi": [
    "Ủy ban nhân dân thành phố vừa thông báo sẽ mở rộng giờ hoạt động của "
    "thư viện trung tâm từ tháng sau. Người dân có thể đến đọc sách và mượn "
    "tài liệu đến chín giờ tối, kể cả ngày thứ bảy. Nhiều sinh viên cho "
    "biết họ rất vui khi nghe tin này.",
    "Ngoài ra, thư viện sẽ tổ chức các lớp học máy tính miễn phí cho người "
    "cao tuổi và một góc đọc sách riêng cho trẻ em. Mọi thắc mắc xin liên "
    "hệ với bộ phận tiếp dân trong giờ hành chính.",
],
"th": [
    "เทศบาลเมืองประกาศว่าจะเริ่มปรับปรุงสวนสาธารณะกลางเมืองตั้งแต่เดือนหน้า "
    "โดยจะปลูกต้นไม้เพิ่ม ติดตั้งไฟส่องสว่าง และสร้างทางเดินใหม่รอบบึงน้ำ "
    "ประชาชนยังสามารถเข้าใช้สวนได้บางส่วนในระหว่างการก่อสร้าง",
    "เจ้าหน้าที่กล่าวว่า \u201cโครงการนี้จะแล้วเสร็จภายในสามเดือน\u201d "
    "ผู้ที่ต้องการแสดงความคิดเห็นสามารถติดต่อได้ที่สำนักงานเทศบาลในวันและเวลาราชการ\u2026",
],
}

# Plain-ASCII documents: a CSV export, a JSON record, English prose.
ASCII = {
    "ascii_csv": "id,name,city,amount\n1,Holt,Springfield,12.50\n"
                 "2,Baker,Shelbyville,7.25\n3,\"Smith, J.\",Ogdenville,100.00\n",
    "ascii_json": '{"id": 42, "name": "Town hall", "open": "09:00-17:00",\n'
                  ' "tags": ["council", "parking", "permits"]}\n',
    "ascii_prose": "The library will be closed on Monday for maintenance. "
                   "Books may be returned through the slot by the main door. "
                   "Thank you for your patience.\n",
    "ascii_short": "ok\n",
}

# (language, charset, python codec, note); note: "" | "bom" | "nobom"
PAIRS = [
    ("en", "UTF-8", "utf-8", ""), ("en", "windows-1252", "cp1252", ""),
    ("en", "UTF-16LE", "utf-16-le", "bom"), ("en", "UTF-16LE", "utf-16-le", "nobom"),
    ("en", "UTF-16BE", "utf-16-be", "nobom"), ("en", "UTF-32LE", "utf-32-le", "nobom"),
    ("fr", "UTF-8", "utf-8", ""), ("fr", "windows-1252", "cp1252", ""),
    ("fr", "ISO-8859-1", "iso8859_1", ""), ("fr", "ISO-8859-15", "iso8859_15", ""),
    ("fr", "UTF-16LE", "utf-16-le", "bom"),
    ("de", "UTF-8", "utf-8", ""), ("de", "windows-1252", "cp1252", ""),
    ("de", "ISO-8859-1", "iso8859_1", ""), ("de", "ISO-8859-15", "iso8859_15", ""),
    ("de", "UTF-16BE", "utf-16-be", "bom"), ("de", "UTF-16LE", "utf-16-le", "nobom"),
    ("es", "UTF-8", "utf-8", ""), ("es", "windows-1252", "cp1252", ""),
    ("es", "ISO-8859-1", "iso8859_1", ""),
    ("pt", "UTF-8", "utf-8", ""), ("pt", "windows-1252", "cp1252", ""),
    ("pt", "ISO-8859-1", "iso8859_1", ""),
    ("it", "UTF-8", "utf-8", ""), ("it", "windows-1252", "cp1252", ""),
    ("it", "ISO-8859-15", "iso8859_15", ""),
    ("sv", "UTF-8", "utf-8", ""), ("sv", "windows-1252", "cp1252", ""),
    ("sv", "ISO-8859-1", "iso8859_1", ""),
    ("pl", "UTF-8", "utf-8", ""), ("pl", "windows-1250", "cp1250", ""),
    ("pl", "ISO-8859-2", "iso8859_2", ""),
    ("cs", "UTF-8", "utf-8", ""), ("cs", "windows-1250", "cp1250", ""),
    ("cs", "ISO-8859-2", "iso8859_2", ""),
    ("hu", "UTF-8", "utf-8", ""), ("hu", "windows-1250", "cp1250", ""),
    ("hu", "ISO-8859-2", "iso8859_2", ""),
    ("ro", "UTF-8", "utf-8", ""), ("ro", "windows-1250", "cp1250", ""),
    ("ro", "ISO-8859-2", "iso8859_2", ""),
    ("tr", "UTF-8", "utf-8", ""), ("tr", "windows-1254", "cp1254", ""),
    ("tr", "ISO-8859-9", "iso8859_9", ""),
    ("el", "UTF-8", "utf-8", ""), ("el", "windows-1253", "cp1253", ""),
    ("el", "ISO-8859-7", "iso8859_7", ""), ("el", "UTF-16LE", "utf-16-le", "bom"),
    ("el", "UTF-16BE", "utf-16-be", "nobom"),
    ("ru", "UTF-8", "utf-8", ""), ("ru", "windows-1251", "cp1251", ""),
    ("ru", "KOI8-R", "koi8_r", ""), ("ru", "ISO-8859-5", "iso8859_5", ""),
    ("ru", "IBM866", "cp866", ""), ("ru", "UTF-16LE", "utf-16-le", "bom"),
    ("ru", "UTF-16LE", "utf-16-le", "nobom"), ("ru", "UTF-32BE", "utf-32-be", "nobom"),
    ("uk", "UTF-8", "utf-8", ""), ("uk", "windows-1251", "cp1251", ""),
    ("uk", "KOI8-U", "koi8_u", ""),
    ("bg", "UTF-8", "utf-8", ""), ("bg", "windows-1251", "cp1251", ""),
    ("lt", "UTF-8", "utf-8", ""), ("lt", "windows-1257", "cp1257", ""),
    ("lv", "UTF-8", "utf-8", ""), ("lv", "windows-1257", "cp1257", ""),
    ("he", "UTF-8", "utf-8", ""), ("he", "windows-1255", "cp1255", ""),
    ("he", "ISO-8859-8", "iso8859_8", ""),
    ("ar", "UTF-8", "utf-8", ""), ("ar", "windows-1256", "cp1256", ""),
    ("ar", "UTF-16LE", "utf-16-le", "bom"), ("ar", "UTF-16BE", "utf-16-be", "nobom"),
    ("ja", "UTF-8", "utf-8", ""), ("ja", "Shift_JIS", "shift_jis", ""),
    ("ja", "EUC-JP", "euc_jp", ""), ("ja", "ISO-2022-JP", "iso2022_jp", ""),
    ("ja", "UTF-16LE", "utf-16-le", "bom"), ("ja", "UTF-16BE", "utf-16-be", "nobom"),
    ("zh-hans", "UTF-8", "utf-8", ""), ("zh-hans", "GB18030", "gb18030", ""),
    ("zh-hans", "UTF-16LE", "utf-16-le", "nobom"),
    ("zh-hant", "UTF-8", "utf-8", ""), ("zh-hant", "Big5", "big5", ""),
    ("ko", "UTF-8", "utf-8", ""), ("ko", "EUC-KR", "euc_kr", ""),
    ("ko", "UTF-16BE", "utf-16-be", "bom"), ("ko", "UTF-16LE", "utf-16-le", "nobom"),
    ("vi", "UTF-8", "utf-8", ""), ("vi", "windows-1258", "cp1258", ""),
    ("th", "UTF-8", "utf-8", ""), ("th", "TIS-620", "tis_620", ""),
    ("th", "windows-874", "cp874", ""),
]

# XML and HTML documents: (language, charset, codec, declared, kind).
# A declaration that differs from the charset is a wrong one.
DECLARED = [
    ("fr", "windows-1252", "cp1252", "windows-1252", "xml"),
    ("fr", "UTF-8", "utf-8", "ISO-8859-1", "html"),
    ("de", "ISO-8859-1", "iso8859_1", "ISO-8859-1", "html-equiv"),
    ("de", "ISO-8859-1", "iso8859_1", "UTF-8", "xml"),
    ("pl", "ISO-8859-2", "iso8859_2", "ISO-8859-2", "xml"),
    ("pl", "windows-1250", "cp1250", "ISO-8859-1", "html"),
    ("cs", "windows-1250", "cp1250", "windows-1250", "html"),
    ("cs", "ISO-8859-2", "iso8859_2", "windows-1252", "html-equiv"),
    ("hu", "ISO-8859-2", "iso8859_2", "ISO-8859-2", "html-equiv"),
    ("ro", "ISO-8859-2", "iso8859_2", "ISO-8859-2", "xml"),
    ("tr", "windows-1254", "cp1254", "windows-1254", "html"),
    ("tr", "ISO-8859-9", "iso8859_9", "ISO-8859-1", "xml"),
    ("el", "ISO-8859-7", "iso8859_7", "ISO-8859-7", "html"),
    ("ru", "windows-1251", "cp1251", "windows-1251", "html-equiv"),
    ("ru", "windows-1251", "cp1251", "UTF-8", "html"),
    ("ru", "KOI8-R", "koi8_r", "KOI8-R", "xml"),
    ("uk", "KOI8-U", "koi8_u", "KOI8-U", "html"),
    ("uk", "KOI8-U", "koi8_u", "KOI8-R", "html-equiv"),
    ("bg", "windows-1251", "cp1251", "windows-1251", "xml"),
    ("lt", "windows-1257", "cp1257", "windows-1257", "html"),
    ("he", "windows-1255", "cp1255", "windows-1255", "html"),
    ("ar", "windows-1256", "cp1256", "windows-1256", "html-equiv"),
    ("ja", "Shift_JIS", "shift_jis", "Shift_JIS", "html"),
    ("ja", "Shift_JIS", "shift_jis", "EUC-JP", "html-equiv"),
    ("ja", "EUC-JP", "euc_jp", "EUC-JP", "xml"),
    ("zh-hans", "GB18030", "gb18030", "GB2312", "html"),
    ("zh-hant", "Big5", "big5", "Big5", "html-equiv"),
    ("ko", "EUC-KR", "euc_kr", "EUC-KR", "xml"),
    ("vi", "windows-1258", "cp1258", "windows-1258", "html"),
    ("th", "windows-874", "cp874", "TIS-620", "html"),
    ("en", "UTF-8", "utf-8", "UTF-8", "xml"),
    ("es", "UTF-8", "utf-8", "UTF-8", "html"),
]

# What editors write when the charset lacks a character.
FALLBACK = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-", "\u2026": "...",
    "\u20ac": "EUR", "\u0153": "oe", "\u0152": "OE",
    "\u0219": "\u015f", "\u0218": "\u015e", "\u021b": "\u0163", "\u021a": "\u0162",
}

BOMS = {"UTF-8": b"\xef\xbb\xbf", "UTF-16LE": b"\xff\xfe", "UTF-16BE": b"\xfe\xff",
        "UTF-32LE": b"\xff\xfe\x00\x00", "UTF-32BE": b"\x00\x00\xfe\xff"}


def encode_char(ch, codec):
    """ch in codec; for windows-1258 a letter may need base + combining tone."""
    try:
        return ch.encode(codec)
    except UnicodeEncodeError:
        pass
    if codec == "cp1258":
        # base letter with one of its marks precomposed, the rest combining
        nfd = unicodedata.normalize("NFD", ch)
        base, marks = nfd[0], nfd[1:]
        for i in range(len(marks) + 1):
            head = unicodedata.normalize("NFC", base + marks[i:i + 1])
            try:
                return (head.encode(codec) +
                        (marks[:i] + marks[i + 1:]).encode(codec))
            except UnicodeEncodeError:
                continue
    if ch in FALLBACK and FALLBACK[ch] != ch:
        return encode_text(FALLBACK[ch], codec)
    raise SystemExit("make_corpus: %r has no place in %s" % (ch, codec))


def encode_text(text, codec):
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        return b"".join(encode_char(ch, codec) for ch in text)


def first_chars(text, nbytes):
    """The first words of text, at most nbytes of UTF-8, whole words."""
    out = ""
    for word in text.split(" "):
        cand = (out + " " + word) if out else word
        if len(cand.encode("utf-8")) > nbytes:
            break
        out = cand
    if not out:     # CJK and Thai: no spaces, cut by characters
        for ch in text:
            if len((out + ch).encode("utf-8")) > nbytes:
                break
            out += ch
    return out


def first_sentence(text):
    for stop in (". ", "。", "\u3002", " ", "？"):
        i = text.find(stop, 40)
        if i > 0:
            return text[: i + len(stop)].rstrip()
    return text


def lengths(paras):
    p0 = paras[0]
    long_text, k = [], 0
    while sum(len(p.encode("utf-8")) for p in long_text) < 3000:
        long_text.append(paras[k % len(paras)])
        k += 1
    return [("short", first_chars(p0, 44) + "\n"),
            ("line", first_sentence(p0) + "\n"),
            ("para", p0 + "\n"),
            ("long", "\n\n".join(long_text) + "\n")]


def wrap(kind, lang, declared, body):
    paras = "".join("<p>%s</p>\n" % p for p in body)
    if kind == "xml":
        return ('<?xml version="1.0" encoding="%s"?>\n<notice lang="%s">\n%s'
                "</notice>\n" % (declared, lang, paras))
    if kind == "html":
        head = '<meta charset="%s">' % declared
    else:
        head = ('<meta http-equiv="Content-Type" content="text/html; '
                'charset=%s">' % declared)
    return ('<!DOCTYPE html>\n<html lang="%s">\n<head>\n%s\n<title>%s</title>\n'
            "</head>\n<body>\n%s</body>\n</html>\n"
            % (lang, head, first_chars(body[0], 30), paras))


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_corpus.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    labels = []

    def put(name, data, charset, lang, length, note):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        labels.append("\t".join((name, charset, lang, length, note)))

    for lang, charset, codec, note in PAIRS:
        for length, text in lengths(TEXT[lang]):
            data = encode_text(text, codec)
            if note == "bom":
                data = BOMS[charset] + data
            name = "%s_%s_%s%s.txt" % (lang, charset, length,
                                        "_" + note if note else "")
            put(name, data, charset, lang, length, note or "plain")

    for lang, charset, codec, declared, kind in DECLARED:
        text = wrap(kind, lang, declared, TEXT[lang])
        ok = declared.lower() == charset.lower()
        name = "%s_%s_%s_declares_%s.%s" % (lang, charset, kind, declared,
                                            "xml" if kind == "xml" else "html")
        put(name, encode_text(text, codec), charset, lang, "long",
            kind + ("" if ok else "-wrong-declaration"))

    for name, text in sorted(ASCII.items()):
        put(name + ".txt", text.encode("ascii"), "US-ASCII", "en",
            "short" if name == "ascii_short" else "para", "ascii")

    # UTF-8 with damage: a stray Latin-1 byte, a cut sequence, a lone
    # continuation byte, a sequence cut by the end of the file.
    fr = ("\n".join(TEXT["fr"]) + "\n").encode("utf-8")
    ru = ("\n".join(TEXT["ru"]) + "\n").encode("utf-8")
    ja = ("\n".join(TEXT["ja"]) + "\n").encode("utf-8")
    damaged = {
        "fr_invalid_latin1_byte": fr.replace("é".encode(), b"\xe9", 1),
        "fr_invalid_two_bytes": fr.replace("è".encode(), b"\xe8", 2),
        "ru_invalid_cut_sequence": ru[:40] + ru[41:],
        "ru_invalid_continuation": ru[:100] + b"\x80" + ru[100:],
        "ja_invalid_truncated_end": ja + "終".encode()[:2],
        "ja_invalid_lead_byte": ja[:30] + b"\xff" + ja[30:],
    }
    for name, data in sorted(damaged.items()):
        put(name + ".txt", data, "UTF-8", name[:2], "long", "invalid-utf8")

    with open(os.path.join(out, "labels.tsv"), "w", encoding="ascii") as f:
        f.write("\n".join(labels) + "\n")


if __name__ == "__main__":
    main()
