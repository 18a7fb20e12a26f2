using PassportBot.Domain;

namespace PassportBot.Telegram.Bot;

/// <summary>What the bot says about filters, offices, towns and privacy, in Telegram HTML.
/// Placeholders take values already HTML-encoded.</summary>
public sealed record FilterTexts
{
    public required string FiltersHeader { get; init; }
    public required string FiltersFooter { get; init; }
    public required string NoFilter { get; init; }
    public required string Before { get; init; }
    public required string Within { get; init; }
    public required string MinPlaces { get; init; }
    public required string Days { get; init; }
    public required string Quiet { get; init; }
    public required string Gone { get; init; }
    public required string OfficesOnly { get; init; }
    public required string AllOffices { get; init; }
    public required string Saved { get; init; }
    public required string Cleared { get; init; }

    public required string LabelBefore { get; init; }
    public required string LabelWithin { get; init; }
    public required string LabelMinPlaces { get; init; }
    public required string LabelDays { get; init; }
    public required string LabelQuiet { get; init; }
    public required string LabelGoneOn { get; init; }
    public required string LabelGoneOff { get; init; }
    public required string LabelOffices { get; init; }
    public required string ButtonClearAll { get; init; }
    public required string ButtonOff { get; init; }
    public required string ButtonFilters { get; init; }
    public required string ChooseValue { get; init; }
    public required string DaysPrompt { get; init; }
    public required string WithinValue { get; init; }
    public required string MinPlacesValue { get; init; }

    public required string UsageBefore { get; init; }
    public required string UsageWithin { get; init; }
    public required string UsageMinPlaces { get; init; }
    public required string UsageDays { get; init; }
    public required string UsageQuiet { get; init; }
    public required string UsageGone { get; init; }
    public required string ErrorNotADate { get; init; }
    public required string ErrorDateInPast { get; init; }
    public required string ErrorNotANumber { get; init; }
    public required string ErrorOutOfRange { get; init; }
    public required string ErrorUnknownDay { get; init; }
    public required string ErrorNotHours { get; init; }
    public required string ErrorNotOnOff { get; init; }

    public required string OfficesHeader { get; init; }
    public required string OfficesUsage { get; init; }
    public required string OfficesChooseProvince { get; init; }
    public required string OfficesNotFollowed { get; init; }
    public required string OfficesNotKnownYet { get; init; }
    public required string OfficesUnknownCodes { get; init; }
    public required string OfficesSaved { get; init; }
    public required string OfficesAtLeastOne { get; init; }
    public required string DaysAtLeastOne { get; init; }
    public required string OfficeFirstFree { get; init; }
    public required string OfficeNoneFree { get; init; }
    public required string ButtonAllOffices { get; init; }

    public required string TownUsage { get; init; }
    public required string TownNone { get; init; }
    public required string TownServedBy { get; init; }
    public required string TownMany { get; init; }
    public required string TownUnavailable { get; init; }
    public required string ButtonFollow { get; init; }

    public required string Privacy { get; init; }
    public required string PrivacyNothing { get; init; }
    public required string ButtonErase { get; init; }
    public required string ConfirmErase { get; init; }
    public required string Erased { get; init; }

    /// <summary>Monday first.</summary>
    public required IReadOnlyList<string> DayNames { get; init; }

    public string DayName(DayOfWeek day) => DayNames[((int)day + 6) % 7];

    public static FilterTexts For(Language language) => language == Language.English ? English : Italian;

    public static readonly FilterTexts Italian = new()
    {
        FiltersHeader = "<b>I tuoi filtri</b> (valgono per tutte le province che segui):",
        FiltersFooter = "Tocca un pulsante per cambiare un filtro, oppure usa /before, /within, /minplaces, /days, /quiet, /gone, /offices.",
        NoFilter = "nessun filtro",
        Before = "fino al {0}",
        Within = "entro {0} giorni",
        MinPlaces = "almeno {0} posti",
        Days = "solo {0}",
        Quiet = "silenzioso {0}",
        Gone = "avviso quando sparisce",
        OfficesOnly = "uffici {0}",
        AllOffices = "tutti gli uffici",
        Saved = "✅ Filtro salvato. Vale dal prossimo controllo.",
        Cleared = "✅ Filtri azzerati: ricevi tutti gli appuntamenti.",
        LabelBefore = "📅 Data massima",
        LabelWithin = "⏳ Entro N giorni",
        LabelMinPlaces = "👥 Posti minimi",
        LabelDays = "🗓 Giorni",
        LabelQuiet = "🌙 Ore silenziose",
        LabelGoneOn = "🔔 Avviso «sparito»: sì",
        LabelGoneOff = "🔕 Avviso «sparito»: no",
        LabelOffices = "🏢 Uffici {0}",
        ButtonClearAll = "✖️ Azzera i filtri",
        ButtonOff = "✖️ Nessun limite",
        ButtonFilters = "⚙️ Filtri",
        ChooseValue = "Scegli <b>{0}</b> (oppure scrivi {1}):",
        DaysPrompt = "Tocca i giorni in cui puoi andare (✅ = incluso), oppure scrivi <code>/days lun mar ven</code>:",
        WithinValue = "{0} giorni",
        MinPlacesValue = "{0}+",
        UsageBefore = "Scrivi ad esempio <code>/before 31/03/2027</code> (o <code>2027-03-31</code>), oppure <code>/before off</code>.",
        UsageWithin = "Scrivi ad esempio <code>/within 30</code> (giorni da oggi), oppure <code>/within off</code>.",
        UsageMinPlaces = "Scrivi ad esempio <code>/minplaces 2</code>, oppure <code>/minplaces off</code>.",
        UsageDays = "Scrivi ad esempio <code>/days lun mar ven</code> (o <code>lun-ven</code>), oppure <code>/days all</code>.",
        UsageQuiet = "Scrivi ad esempio <code>/quiet 23-07</code> (ore di Roma: i messaggi arrivano senza suono), oppure <code>/quiet off</code>.",
        UsageGone = "Scrivi <code>/gone on</code> per sapere quando un appuntamento non è più disponibile, <code>/gone off</code> per non saperlo.",
        ErrorNotADate = "«{0}» non è una data valida.",
        ErrorDateInPast = "Il {0} è già passato.",
        ErrorNotANumber = "«{0}» non è un numero intero.",
        ErrorOutOfRange = "{0} è fuori dall'intervallo ammesso ({1}–{2}).",
        ErrorUnknownDay = "Non riconosco il giorno «{0}».",
        ErrorNotHours = "«{0}» non è un intervallo di ore come 23-07.",
        ErrorNotOnOff = "«{0}»: scrivi on oppure off.",
        OfficesHeader = "<b>Uffici di {0}</b> (✅ = ricevi i loro appuntamenti):",
        OfficesUsage = "Scrivi la sigla della provincia, ad esempio <code>/offices TO</code>, e tocca gli uffici; <code>/offices TO TOPQ60 TOPC01</code> li sceglie subito, <code>/offices TO all</code> li riprende tutti.",
        OfficesChooseProvince = "Di quale provincia vuoi scegliere gli uffici?",
        OfficesNotFollowed = "Non segui {0}: seguila prima con <code>/subscribe {1}</code>.",
        OfficesNotKnownYet = "Non conosco ancora gli uffici di {0}: li vedo dopo il primo controllo della provincia. Riprova tra qualche minuto.",
        OfficesUnknownCodes = "Non riconosco {0} tra gli uffici di {1}. Uffici validi: {2}.",
        OfficesSaved = "✅ Per {0} ricevi ora: {1}.",
        OfficesAtLeastOne = "Deve restare almeno un ufficio: li ho riattivati tutti.",
        DaysAtLeastOne = "Deve restare almeno un giorno: li ho riattivati tutti.",
        OfficeFirstFree = "primo libero {0}",
        OfficeNoneFree = "nessun posto libero",
        ButtonAllOffices = "🏢 Tutti gli uffici",
        TownUsage = "Scrivi il nome del comune, ad esempio <code>/town Moncalieri</code>.",
        TownNone = "Non trovo nessun comune che si chiami «{0}».",
        TownServedBy = "<b>{0}</b> ({1}) è servito dalla Questura di {2}.",
        TownMany = "Ho trovato più comuni per «{0}»: scegli il tuo.",
        TownUnavailable = "Non riesco a consultare l'elenco dei comuni adesso. Riprova più tardi.",
        ButtonFollow = "➕ Segui {0}",
        Privacy = "<b>Cosa conserva PassportBot su di te</b>\n• chat id: {0}\n• lingua: {1}\n• con noi dal: {2}\n• province seguite: {3}\n• filtri: {4}\n• messaggi inviati: non li conserviamo; un messaggio in attesa di invio contiene il tuo chat id solo finché non è consegnato.\nLa dashboard e l'API non mostrano nessuno di questi dati. Puoi cancellare tutto con il pulsante qui sotto.",
        PrivacyNothing = "Non conservo nessun dato su di te.",
        ButtonErase = "🗑 Cancella tutti i miei dati",
        ConfirmErase = "Vuoi cancellare tutti i tuoi dati? Smetterai di ricevere avvisi.",
        Erased = "Fatto: ho cancellato tutti i tuoi dati. Se mi scrivi di nuovo ricomincerai da zero.",
        DayNames = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
    };

    public static readonly FilterTexts English = new()
    {
        FiltersHeader = "<b>Your filters</b> (they apply to every province you follow):",
        FiltersFooter = "Tap a button to change a filter, or use /before, /within, /minplaces, /days, /quiet, /gone, /offices.",
        NoFilter = "no filter",
        Before = "until {0}",
        Within = "within {0} days",
        MinPlaces = "at least {0} places",
        Days = "only {0}",
        Quiet = "silent {0}",
        Gone = "alert when gone",
        OfficesOnly = "offices {0}",
        AllOffices = "all offices",
        Saved = "✅ Filter saved. It applies from the next check.",
        Cleared = "✅ Filters cleared: you get every slot.",
        LabelBefore = "📅 Latest date",
        LabelWithin = "⏳ Within N days",
        LabelMinPlaces = "👥 Minimum places",
        LabelDays = "🗓 Days",
        LabelQuiet = "🌙 Quiet hours",
        LabelGoneOn = "🔔 \"Gone\" alerts: on",
        LabelGoneOff = "🔕 \"Gone\" alerts: off",
        LabelOffices = "🏢 Offices {0}",
        ButtonClearAll = "✖️ Clear filters",
        ButtonOff = "✖️ No limit",
        ButtonFilters = "⚙️ Filters",
        ChooseValue = "Choose <b>{0}</b> (or send {1}):",
        DaysPrompt = "Tap the days you can go (✅ = included), or send <code>/days mon tue fri</code>:",
        WithinValue = "{0} days",
        MinPlacesValue = "{0}+",
        UsageBefore = "Send for example <code>/before 2027-03-31</code> (or <code>31/03/2027</code>), or <code>/before off</code>.",
        UsageWithin = "Send for example <code>/within 30</code> (days from today), or <code>/within off</code>.",
        UsageMinPlaces = "Send for example <code>/minplaces 2</code>, or <code>/minplaces off</code>.",
        UsageDays = "Send for example <code>/days mon tue fri</code> (or <code>mon-fri</code>), or <code>/days all</code>.",
        UsageQuiet = "Send for example <code>/quiet 23-07</code> (Rome hours: messages arrive without sound), or <code>/quiet off</code>.",
        UsageGone = "Send <code>/gone on</code> to hear when a slot is no longer available, <code>/gone off</code> not to.",
        ErrorNotADate = "\"{0}\" is not a valid date.",
        ErrorDateInPast = "{0} is already past.",
        ErrorNotANumber = "\"{0}\" is not a whole number.",
        ErrorOutOfRange = "{0} is outside the allowed range ({1}–{2}).",
        ErrorUnknownDay = "I do not know the day \"{0}\".",
        ErrorNotHours = "\"{0}\" is not an hour range like 23-07.",
        ErrorNotOnOff = "\"{0}\": send on or off.",
        OfficesHeader = "<b>Offices of {0}</b> (✅ = you get their slots):",
        OfficesUsage = "Send the province code, e.g. <code>/offices TO</code>, and tap the offices; <code>/offices TO TOPQ60 TOPC01</code> picks them at once, <code>/offices TO all</code> takes them all back.",
        OfficesChooseProvince = "Which province's offices do you want to choose?",
        OfficesNotFollowed = "You do not follow {0}: follow it first with <code>/subscribe {1}</code>.",
        OfficesNotKnownYet = "I do not know the offices of {0} yet: I see them after the province's first check. Try again in a few minutes.",
        OfficesUnknownCodes = "{0} is not an office of {1}. Valid offices: {2}.",
        OfficesSaved = "✅ For {0} you now get: {1}.",
        OfficesAtLeastOne = "At least one office must stay: I turned them all back on.",
        DaysAtLeastOne = "At least one day must stay: I turned them all back on.",
        OfficeFirstFree = "first free {0}",
        OfficeNoneFree = "no free slot",
        ButtonAllOffices = "🏢 All offices",
        TownUsage = "Send the municipality's name, e.g. <code>/town Moncalieri</code>.",
        TownNone = "I cannot find a municipality called \"{0}\".",
        TownServedBy = "<b>{0}</b> ({1}) is served by the Questura of {2}.",
        TownMany = "Several municipalities match \"{0}\": pick yours.",
        TownUnavailable = "I cannot look up municipalities right now. Please try again later.",
        ButtonFollow = "➕ Follow {0}",
        Privacy = "<b>What PassportBot stores about you</b>\n• chat id: {0}\n• language: {1}\n• with us since: {2}\n• provinces followed: {3}\n• filters: {4}\n• messages sent: not kept; a message waiting to be sent holds your chat id only until it is delivered.\nThe dashboard and the API show none of this. You can erase all of it with the button below.",
        PrivacyNothing = "I store no data about you.",
        ButtonErase = "🗑 Erase all my data",
        ConfirmErase = "Erase all your data? You will stop getting alerts.",
        Erased = "Done: I erased all your data. If you write to me again you start from scratch.",
        DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    };
}
