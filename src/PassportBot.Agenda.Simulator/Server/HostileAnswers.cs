using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PassportBot.Agenda.Simulator.Server;

/// <summary>The bodies of <see cref="HostileAnswer"/>s. Large ones are streamed or built once, so the simulator itself
/// stays small while the client under test receives them.</summary>
internal static class HostileAnswers
{
    public const long GzipBombInflatedBytes = 256L * 1024 * 1024;
    public const long HugeJsonBytes = 64L * 1024 * 1024;

    // Built on first use: 256 MB of JSON whitespace in about 256 KB.
    private static readonly Lazy<byte[]> GzipBomb = new(BuildGzipBomb);

    private static readonly byte[] OfficeRow = Encoding.UTF8.GetBytes(
        """{"id":1,"codice":"XXPQ01","descrizione":"XXPQ01 - Questura","indirizzo":"Via Roma 1","comune":"ROMA","citta":"ROMA","dataPrimaDisponibilitaResidenti":null,"orarioDisponibilita":"09.00"},""");

    public static async Task WriteAsync(HostileAnswer answer, HttpResponse response, CancellationToken cancellationToken)
    {
        switch (answer)
        {
            case HostileAnswer.GzipBomb:
                var bomb = GzipBomb.Value;
                response.StatusCode = 200;
                response.ContentType = "application/json;charset=UTF-8";
                response.Headers.ContentEncoding = "gzip";
                response.ContentLength = bomb.Length;
                await response.Body.WriteAsync(bomb, cancellationToken);
                break;
            case HostileAnswer.HugeJson:
                response.StatusCode = 200;
                response.ContentType = "application/json;charset=UTF-8";
                await WriteHugeJsonAsync(response.Body, cancellationToken);
                break;
            case HostileAnswer.MaintenancePage:
                response.StatusCode = 200;
                response.ContentType = "text/html;charset=UTF-8";
                await response.WriteAsync(MaintenancePage, cancellationToken);
                break;
            case HostileAnswer.FirewallPage:
                response.StatusCode = 403;
                response.ContentType = "text/html;charset=UTF-8";
                await response.WriteAsync(FirewallPage, cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(answer), answer, null);
        }
    }

    /// <summary>A page of the app under maintenance: it carries the app's layout, so the <c>_csrf</c> meta tag and
    /// the word "login" in its menu, but no login form.</summary>
    public const string MaintenancePage = """
        <!DOCTYPE html>
        <html lang="it"><head><meta charset="utf-8"><title>Passaporto online - Manutenzione</title>
        <meta name="_csrf_header" content="X-CSRF-TOKEN"/>
        <meta name="_csrf" content="11111111-2222-3333-4444-555555555555"/></head>
        <body><nav><a href="/cittadino/login">Area riservata</a> | Accedi con SPID</nav>
        <main><h1>Servizio momentaneamente non disponibile</h1><p>Sono in corso attività di manutenzione. Riprova più tardi.</p></main>
        </body></html>
        """;

    /// <summary>A web application firewall's block page (403).</summary>
    public const string FirewallPage = """
        <html><head><title>Request Rejected</title></head>
        <body>The requested URL was rejected. Please consult with your administrator.<br><br>
        Your support ID is: 1234567890123456789<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>
        """;

    private static async Task WriteHugeJsonAsync(Stream body, CancellationToken cancellationToken)
    {
        var head = Encoding.UTF8.GetBytes("""{"pageInfo":{"skipResults":0,"maxResults":1000,"totalCount":1},"list":[""");
        var tail = Encoding.UTF8.GetBytes("""{"id":2,"codice":"XXPQ02","descrizione":"XXPQ02 - Questura"}]}""");
        var chunk = new byte[OfficeRow.Length * 512];
        for (var i = 0; i < 512; i++) OfficeRow.CopyTo(chunk, i * OfficeRow.Length);
        await body.WriteAsync(head, cancellationToken);
        long written = head.Length;
        while (written + chunk.Length + tail.Length <= HugeJsonBytes)
        {
            await body.WriteAsync(chunk, cancellationToken);
            written += chunk.Length;
        }
        await body.WriteAsync(tail, cancellationToken);
    }

    /// <summary>Concatenated gzip members (RFC 1952 allows them; decoders inflate them one after the other): one
    /// member of 1 MiB of blanks, compressed once and repeated, so building the bomb costs milliseconds.</summary>
    private static byte[] BuildGzipBomb()
    {
        const int block = 1024 * 1024;
        var blanks = new byte[block];
        Array.Fill(blanks, (byte)' ');
        var member = Gzip(blanks);
        using var output = new MemoryStream();
        output.Write(Gzip(Encoding.UTF8.GetBytes("""{"list":[""")));
        for (long inflated = 0; inflated + block <= GzipBombInflatedBytes; inflated += block) output.Write(member);
        output.Write(Gzip(Encoding.UTF8.GetBytes("]}")));
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }
}
