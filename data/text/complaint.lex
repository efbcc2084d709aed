veche-complaint-rules 1
# Complaint lexicon for veche's rule-based complaint score (docs/text.md).
# Written for veche; same licence as veche's code.
#
# Entries: category<TAB>weight<TAB>words.  Words are normalised and stemmed
# on load, so one form covers its declensions ("прошу" also matches "просим"
# only if the stems agree: list both when they do not).  An entry fires when
# its stems occur in a row; each entry counts once per text.
# score = logistic(@bias + sum over categories of min(@cap, sum of weights)
#                  + @negative * P(negative))
@bias	-3.0
@negative	1.5
@threshold	0.5
@cap request 3.5
@cap problem 3.0
@cap authority 1.5
@cap urgency 1.0
@cap complaint 2.5

# Requests and demands
request	2.5	прошу
request	2.5	просим
request	2.0	просьба
request	2.5	требую
request	2.5	требуем
request	2.5	примите меры
request	2.5	принять меры
request	2.0	разберитесь
request	2.0	разобраться
request	1.5	помогите
request	1.5	помочь
request	2.0	обязать
request	1.5	проверить
request	1.5	проверьте
request	1.5	устранить
request	1.5	устраните
request	1.5	отремонтировать
request	1.5	почините
request	1.5	починить
request	1.5	убрать
request	1.5	уберите
request	1.5	вывезти
request	1.0	когда будет
request	1.0	сколько можно
request	1.0	доколе
request	1.0	обращаюсь
request	1.0	обращаемся
request	1.5	please fix
request	1.5	please repair
request	1.0	please help
request	1.5	we demand
request	1.5	i demand
request	1.0	take action

# Explicit complaints
complaint	2.5	жалоба
complaint	2.0	жалуюсь
complaint	2.0	жалуемся
complaint	1.5	обращение
complaint	1.5	заявление
complaint	1.0	безобразие
complaint	1.0	беспредел
complaint	1.0	возмутительно
complaint	1.0	возмущены
complaint	1.0	невозможно
complaint	1.0	надоело
complaint	1.0	никто не
complaint	1.0	до сих пор
complaint	1.0	уже неделю
complaint	1.0	который день
complaint	1.0	третью неделю
complaint	1.0	никакой реакции
complaint	2.0	complaint
complaint	1.5	complain
complaint	1.0	still not
complaint	1.0	nobody

# Problems of the city
problem	1.5	не работает
problem	1.5	не работают
problem	1.5	не горит
problem	1.5	не вывозят
problem	1.5	не убирают
problem	1.5	нет воды
problem	1.5	нет света
problem	1.5	нет отопления
problem	1.5	нет горячей воды
problem	1.5	отключили
problem	1.0	отключение
problem	1.0	авария
problem	1.0	прорыв
problem	1.0	протекает
problem	1.0	течет
problem	1.0	затопило
problem	1.0	затопили
problem	1.0	яма
problem	1.0	ямы
problem	1.0	ямах
problem	1.0	выбоина
problem	1.0	мусор
problem	1.0	свалка
problem	1.0	грязь
problem	1.0	сломан
problem	1.0	сломана
problem	1.0	сломали
problem	1.0	разбит
problem	1.0	разбита
problem	1.0	холодно
problem	1.0	холодные батареи
problem	1.0	плесень
problem	1.0	крыша течет
problem	1.0	лифт
problem	1.0	подъезд
problem	1.0	канализация
problem	1.0	засор
problem	1.0	гололед
problem	1.0	сосульки
problem	1.0	не чистят
problem	1.0	шум
problem	1.0	опасно
problem	1.0	угроза
problem	1.0	broken
problem	1.0	pothole
problem	1.0	garbage
problem	1.0	leak
problem	1.0	flooded
problem	1.0	no water
problem	1.0	no heating
problem	1.0	not working
problem	1.0	doesn't work
problem	1.0	dangerous

# Who is asked to act
authority	1.0	администрация
authority	1.0	администрации
authority	1.0	управляющая компания
authority	1.0	ук
authority	1.0	жкх
authority	1.0	тсж
authority	1.0	мэр
authority	1.0	мэрия
authority	1.0	глава района
authority	1.0	губернатор
authority	1.0	прокуратура
authority	1.0	роспотребнадзор
authority	1.0	жилинспекция
authority	1.0	депутат
authority	1.0	власти
authority	1.0	council
authority	1.0	city hall
authority	1.0	mayor

# Urgency
urgency	1.0	срочно
urgency	1.0	немедленно
urgency	1.0	опасно для жизни
urgency	1.0	дети
urgency	1.0	urgent
urgency	1.0	immediately
