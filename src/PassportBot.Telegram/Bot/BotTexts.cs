using PassportBot.Domain;

namespace PassportBot.Telegram.Bot;

/// <summary>Everything the bot says, in Telegram HTML. Placeholders take values already HTML-encoded.</summary>
public sealed record BotTexts
{
    public required string Welcome { get; init; }
    public required string YourProvinces { get; init; }
    public required string NoProvinces { get; init; }
    public required string Help { get; init; }
    public required string UnknownCommand { get; init; }
    public required string FreeTextHelp { get; init; }

    public required string ChooseRegion { get; init; }
    public required string ChooseProvince { get; init; }
    public required string ConfirmSubscribe { get; init; }
    public required string ServedBy { get; init; }
    public required string Subscribed { get; init; }
    public required string SubscribeUsage { get; init; }
    public required string InvalidCodes { get; init; }

    public required string ChooseUnsubscribe { get; init; }
    public required string Unsubscribed { get; init; }
    public required string UnsubscribeUsage { get; init; }
    public required string ConfirmRemoveAll { get; init; }
    public required string RemovedAll { get; init; }
    public required string NothingToRemove { get; init; }

    public required string LanguageSet { get; init; }
    public required string LanguageUsage { get; init; }
    public required string ButtonExpired { get; init; }
    public required string Failure { get; init; }

    public required string ButtonSubscribe { get; init; }
    public required string ButtonUnsubscribe { get; init; }
    public required string ButtonRemoveAll { get; init; }
    public required string ButtonOtherLanguage { get; init; }
    public required string ButtonYes { get; init; }
    public required string ButtonNo { get; init; }
    public required string ButtonBack { get; init; }

    public required string SecretSaved { get; init; }
    public required string SecretNotDeleted { get; init; }
    public required string SecretUsage { get; init; }
    public required string SecretTooLong { get; init; }
    public required string SecretControlCharacters { get; init; }
    public required string SecretRefused { get; init; }
    public required string SecretRefusedNotDeleted { get; init; }
    public required string CredentialStatus { get; init; }
    public required string CredentialStatusExpired { get; init; }
    public required string NoAgendaSession { get; init; }

    public static BotTexts For(Language language) => language == Language.English ? English : Italian;

    public static readonly BotTexts Italian = new()
    {
        Welcome = "<b>Ciao! Sono PassportBot.</b>\nTi avviso appena si libera un appuntamento per il passaporto negli uffici di polizia delle province che segui, con data, ora, posti e indirizzo.",
        YourProvinces = "Province che segui:",
        NoProvinces = "Non segui ancora nessuna provincia: scegline una con il pulsante qui sotto.",
        Help = "Comandi:\n/start – menu\n/subscribe TO – segui una provincia (sigla)\n/unsubscribe TO – smetti di seguirla\n/list – le province che segui, con i filtri\n/stop – smetti di seguirle tutte\n/filters – i tuoi filtri\n/offices TO – quali uffici di TO\n/before 31/03/2027 · /within 30 · /minplaces 2 · /days lun ven · /quiet 23-07 · /gone on\n/town Moncalieri – quale Questura serve un comune\n/privacy – i tuoi dati\n/lang en – English",
        UnknownCommand = "Non conosco questo comando.",
        FreeTextHelp = "Usa i pulsanti oppure i comandi qui sotto.",
        ChooseRegion = "Scegli la regione:",
        ChooseProvince = "Scegli la provincia ({0}):",
        ConfirmSubscribe = "Vuoi ricevere gli avvisi per <b>{0}</b>?",
        ServedBy = "Gli appuntamenti di {0} sono gestiti dalla Questura di {1}.",
        Subscribed = "✅ Ora segui <b>{0}</b>. Se ci sono già appuntamenti liberi te li mando subito.",
        SubscribeUsage = "Per seguire una provincia scrivi la sigla, ad esempio <code>/subscribe TO</code>, oppure scegli la regione:",
        InvalidCodes = "Non riconosco {0} come sigla di provincia. Usa la sigla di due lettere, ad esempio <code>/subscribe TO</code> o <code>/unsubscribe MI</code>.",
        ChooseUnsubscribe = "Quale provincia vuoi smettere di seguire?",
        Unsubscribed = "Non segui più <b>{0}</b>.",
        UnsubscribeUsage = "Per smettere di seguire una provincia scrivi la sigla, ad esempio <code>/unsubscribe TO</code>.",
        ConfirmRemoveAll = "Vuoi smettere di seguire tutte le province ({0})?",
        RemovedAll = "Non segui più nessuna provincia. Per ricominciare usa /start.",
        NothingToRemove = "Non segui nessuna provincia.",
        LanguageSet = "Lingua impostata: italiano.",
        LanguageUsage = "Scrivi <code>/lang it</code> per l'italiano o <code>/lang en</code> per l'inglese.",
        ButtonExpired = "Questo pulsante non è più valido. Usa /start per ricominciare.",
        Failure = "Qualcosa è andato storto. Riprova tra poco.",
        ButtonSubscribe = "➕ Segui una provincia",
        ButtonUnsubscribe = "➖ Smetti di seguire",
        ButtonRemoveAll = "🗑 Rimuovi tutte",
        ButtonOtherLanguage = "🇬🇧 English",
        ButtonYes = "✅ Sì",
        ButtonNo = "✖️ No",
        ButtonBack = "⬅️ Indietro",
        SecretSaved = "{0} salvato ({1} caratteri). Ho cancellato il messaggio che lo conteneva.",
        SecretNotDeleted = "{0} salvato ({1} caratteri), ma non sono riuscito a cancellare il messaggio: cancellalo tu.",
        SecretUsage = "Uso: <code>/cookie VALORE</code> oppure <code>/csrf VALORE</code>.",
        SecretTooLong = "{0} non salvato: è più lungo di {1} caratteri, quindi non è il valore dell'intestazione. Ho cancellato il messaggio.",
        SecretControlCharacters = "{0} non salvato: contiene caratteri di controllo (tabulazioni o simili) che un'intestazione non può avere. Ho cancellato il messaggio; incolla solo il valore.",
        SecretRefused = "Questo comando non è disponibile qui: ho cancellato il messaggio.",
        SecretRefusedNotDeleted = "Questo comando non è disponibile qui. Il messaggio potrebbe contenere dati riservati: cancellalo.",
        CredentialStatus = "Credenziali dell'agenda: <b>{0}</b>.",
        CredentialStatusExpired = "Credenziali dell'agenda: <b>{0}</b> (scadute alle {1} UTC). Invia /cookie e /csrf nuovi.",
        NoAgendaSession = "Il poller non è attivo in questo processo: stato delle credenziali non disponibile.",
    };

    public static readonly BotTexts English = new()
    {
        Welcome = "<b>Hi! I am PassportBot.</b>\nI tell you the moment a passport appointment frees up at a police office in the provinces you follow, with date, time, places and address.",
        YourProvinces = "Provinces you follow:",
        NoProvinces = "You do not follow any province yet: pick one with the button below.",
        Help = "Commands:\n/start – menu\n/subscribe TO – follow a province (code)\n/unsubscribe TO – stop following it\n/list – the provinces you follow, with filters\n/stop – stop following all\n/filters – your filters\n/offices TO – which offices of TO\n/before 2027-03-31 · /within 30 · /minplaces 2 · /days mon fri · /quiet 23-07 · /gone on\n/town Moncalieri – which Questura serves a town\n/privacy – your data\n/lang it – italiano",
        UnknownCommand = "I do not know that command.",
        FreeTextHelp = "Use the buttons or the commands below.",
        ChooseRegion = "Choose the region:",
        ChooseProvince = "Choose the province ({0}):",
        ConfirmSubscribe = "Get alerts for <b>{0}</b>?",
        ServedBy = "Appointments for {0} are handled by the Questura of {1}.",
        Subscribed = "✅ You now follow <b>{0}</b>. If slots are already open I will send them right away.",
        SubscribeUsage = "To follow a province send its code, e.g. <code>/subscribe TO</code>, or choose the region:",
        InvalidCodes = "{0} is not a province code I know. Use the two-letter code, e.g. <code>/subscribe TO</code> or <code>/unsubscribe MI</code>.",
        ChooseUnsubscribe = "Which province do you want to stop following?",
        Unsubscribed = "You no longer follow <b>{0}</b>.",
        UnsubscribeUsage = "To stop following a province send its code, e.g. <code>/unsubscribe TO</code>.",
        ConfirmRemoveAll = "Stop following all your provinces ({0})?",
        RemovedAll = "You no longer follow any province. Use /start to begin again.",
        NothingToRemove = "You do not follow any province.",
        LanguageSet = "Language set: English.",
        LanguageUsage = "Send <code>/lang en</code> for English or <code>/lang it</code> for Italian.",
        ButtonExpired = "This button is no longer valid. Use /start to begin again.",
        Failure = "Something went wrong. Please try again shortly.",
        ButtonSubscribe = "➕ Follow a province",
        ButtonUnsubscribe = "➖ Stop following",
        ButtonRemoveAll = "🗑 Remove all",
        ButtonOtherLanguage = "🇮🇹 Italiano",
        ButtonYes = "✅ Yes",
        ButtonNo = "✖️ No",
        ButtonBack = "⬅️ Back",
        SecretSaved = "{0} saved ({1} characters). I deleted the message that held it.",
        SecretNotDeleted = "{0} saved ({1} characters), but I could not delete the message: please delete it yourself.",
        SecretUsage = "Usage: <code>/cookie VALUE</code> or <code>/csrf VALUE</code>.",
        SecretTooLong = "{0} not saved: it is longer than {1} characters, so not the header's value. I deleted the message.",
        SecretControlCharacters = "{0} not saved: it contains control characters (tabs or the like) that a header cannot hold. I deleted the message; paste the value alone.",
        SecretRefused = "This command is not available here: I deleted the message.",
        SecretRefusedNotDeleted = "This command is not available here. The message may hold private data: please delete it.",
        CredentialStatus = "Agenda credentials: <b>{0}</b>.",
        CredentialStatusExpired = "Agenda credentials: <b>{0}</b> (expired at {1} UTC). Send new /cookie and /csrf.",
        NoAgendaSession = "The poller is not running in this process: credential state unavailable.",
    };
}
