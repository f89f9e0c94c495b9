# Drives Debian's headless Chromium over the DevTools protocol (a WebSocket on loopback) for the tests that look at pages
# the way a person does: what loads, what a page requests, what it shows, and a screenshot.

Set-StrictMode -Version Latest

Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;

namespace HaPgTests
{
    /// <summary>How much of a PNG is not its most common colour: 8-bit RGB or RGBA, not interlaced (what Chromium writes).</summary>
    public static class PngInk
    {
        public static double Measure(byte[] png, out int width, out int height)
        {
            int pos = 8, colorType = -1, bitDepth = 0, interlace = 0;
            width = height = 0;
            var idat = new MemoryStream();
            while (pos + 8 <= png.Length)
            {
                int length = (png[pos] << 24) | (png[pos + 1] << 16) | (png[pos + 2] << 8) | png[pos + 3];
                string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
                int data = pos + 8;
                if (type == "IHDR")
                {
                    width = (png[data] << 24) | (png[data + 1] << 16) | (png[data + 2] << 8) | png[data + 3];
                    height = (png[data + 4] << 24) | (png[data + 5] << 16) | (png[data + 6] << 8) | png[data + 7];
                    bitDepth = png[data + 8]; colorType = png[data + 9]; interlace = png[data + 12];
                }
                else if (type == "IDAT") idat.Write(png, data, length);
                else if (type == "IEND") break;
                pos = data + length + 4;
            }

            if (bitDepth != 8 || (colorType != 2 && colorType != 6) || interlace != 0)
                throw new NotSupportedException("PNG: only 8-bit RGB/RGBA, not interlaced; got depth " + bitDepth + ", colour type " + colorType);
            int bpp = colorType == 6 ? 4 : 3, stride = width * bpp;
            idat.Position = 2; // zlib header
            var raw = new MemoryStream();
            using (var inflate = new DeflateStream(idat, CompressionMode.Decompress)) inflate.CopyTo(raw);
            byte[] bytes = raw.ToArray(), prev = new byte[stride], line = new byte[stride];
            var counts = new Dictionary<int, int>();
            for (int y = 0; y < height; y++)
            {
                int filter = bytes[y * (stride + 1)];
                Buffer.BlockCopy(bytes, y * (stride + 1) + 1, line, 0, stride);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    int add = filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2 : filter == 4 ? Paeth(a, b, c) : 0;
                    line[i] = (byte)(line[i] + add);
                }

                for (int x = 0; x < width; x++)
                {
                    int o = x * bpp, key = (line[o] << 16) | (line[o + 1] << 8) | line[o + 2];
                    counts.TryGetValue(key, out var n);
                    counts[key] = n + 1;
                }

                var swap = prev; prev = line; line = swap;
            }

            int most = 0;
            foreach (var n in counts.Values) most = Math.Max(most, n);
            return width * height == 0 ? 0 : 1.0 - most / (double)(width * height);
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
'@

function ConvertTo-FileUrl([string] $Path) {
    <# file:///... for a local path (PowerShell's [uri] cast reads /a/b as a relative URI). #>
    [uri]::new([IO.Path]::GetFullPath($Path), [UriKind]::Absolute).AbsoluteUri
}

function Install-HaPgTestChromium {
    <# Debian's chromium, installed with apt when missing (the tests run as root, like CI). Returns its path. #>
    $command = Get-Command chromium -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $command) {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -qq --no-install-recommends chromium *> $null
        if ($LASTEXITCODE -ne 0) { throw "apt-get install chromium exited with $LASTEXITCODE; the browser tests need Debian's chromium package (as root)." }
        $command = Get-Command chromium -CommandType Application -ErrorAction Stop | Select-Object -First 1
    }
    $command.Source
}

function Open-HeadlessChromium {
    <# Starts a private headless Chromium on a loopback DevTools port and attaches to its page. Nothing goes out by itself: no
       background networking, no component updates, no sync. #>
    param([int] $Width = 1280, [int] $Height = 1600, [string[]] $ExtraArgument = @())

    $path = Install-HaPgTestChromium
    $profileDir = Join-Path ([IO.Path]::GetTempPath()) "hapg-chromium-$([guid]::NewGuid().ToString('N'))"
    New-Item -ItemType Directory $profileDir | Out-Null
    $arguments = @(
        '--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--mute-audio',
        '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', "--user-data-dir=$profileDir",
        '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-default-apps', '--disable-extensions', '--metrics-recording-only', '--no-pings',
        '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--disable-features=Translate,MediaRouter,OptimizationHints',
        "--window-size=$Width,$Height") + $ExtraArgument + @('about:blank')
    $process = Start-Process $path -ArgumentList $arguments -PassThru -RedirectStandardError (Join-Path $profileDir 'stderr.log') -RedirectStandardOutput (Join-Path $profileDir 'stdout.log')

    $portFile = Join-Path $profileDir 'DevToolsActivePort'
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $portFile) -or (Get-Content $portFile -ErrorAction SilentlyContinue | Measure-Object).Count -lt 2) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            $log = Get-Content (Join-Path $profileDir 'stderr.log') -Raw -ErrorAction SilentlyContinue
            throw "Chromium did not open its DevTools port within 30 s: $log"
        }
        Start-Sleep -Milliseconds 100
    }
    $port = [int](Get-Content $portFile)[0]
    do {
        # Invoke-RestMethod writes a JSON array as one object: unroll it.
        $targets = Invoke-RestMethod "http://127.0.0.1:$port/json/list"
        $page = @($targets | ForEach-Object { $_ }) | Where-Object type -EQ 'page' | Select-Object -First 1
        if (-not $page) { Start-Sleep -Milliseconds 100 }
    } until ($page -or [DateTime]::UtcNow -gt $deadline)
    if (-not $page) { throw "Chromium on port $port has no page to attach to." }

    $socket = [System.Net.WebSockets.ClientWebSocket]::new()
    $socket.Options.KeepAliveInterval = [TimeSpan]::Zero
    [void] $socket.ConnectAsync([uri]$page.webSocketDebuggerUrl, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $session = [pscustomobject]@{ Process = $process; Profile = $profileDir; Socket = $socket; NextId = 0; Events = [Collections.Generic.List[object]]::new() }
    Invoke-ChromiumCommand $session 'Page.enable' | Out-Null
    Invoke-ChromiumCommand $session 'Network.enable' | Out-Null
    $session
}

function Receive-ChromiumMessage($Session, [DateTime] $Deadline) {
    $buffer = [byte[]]::new(1MB)
    $message = [IO.MemoryStream]::new()
    $remaining = $Deadline - [DateTime]::UtcNow
    if ($remaining -le [TimeSpan]::Zero) { throw 'Timed out waiting for Chromium.' }
    $cancel = [Threading.CancellationTokenSource]::new($remaining)
    try {
        do {
            $received = $Session.Socket.ReceiveAsync([ArraySegment[byte]]::new($buffer), $cancel.Token).GetAwaiter().GetResult()
            $message.Write($buffer, 0, $received.Count)
        } until ($received.EndOfMessage)
    }
    finally { $cancel.Dispose() }
    [Text.Encoding]::UTF8.GetString($message.ToArray()) | ConvertFrom-Json -Depth 20
}

function Invoke-ChromiumCommand {
    <# Sends one DevTools command and returns its result; events that arrive meanwhile are kept in $Session.Events. #>
    param($Session, [string] $Method, [hashtable] $Params = @{}, [int] $TimeoutSeconds = 60)

    $id = ++$Session.NextId
    $json = @{ id = $id; method = $Method; params = $Params } | ConvertTo-Json -Depth 20 -Compress
    $bytes = [Text.Encoding]::UTF8.GetBytes($json)
    [void] $Session.Socket.SendAsync([ArraySegment[byte]]::new($bytes), 'Text', $true, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        $message = Receive-ChromiumMessage $Session $deadline
        if ($message.PSObject.Properties['id'] -and $message.id -eq $id) {
            if ($message.PSObject.Properties['error']) { throw "Chromium $Method failed: $($message.error.message)" }
            return $message.result
        }
        if ($message.PSObject.Properties['method']) { $Session.Events.Add($message) }
    }
}

function Wait-ChromiumEvent {
    param($Session, [string] $Method, [int] $TimeoutSeconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not ($Session.Events | Where-Object method -EQ $Method)) {
        $message = Receive-ChromiumMessage $Session $deadline
        if ($message.PSObject.Properties['method']) { $Session.Events.Add($message) }
    }
}

function Open-ChromiumPage {
    <# Loads a URL and waits for its load event. Returns every URL the page requested, the page itself included. #>
    param($Session, [string] $Url, [int] $TimeoutSeconds = 30)

    $Session.Events.Clear()
    Invoke-ChromiumCommand $Session 'Page.navigate' @{ url = $Url } | Out-Null
    Wait-ChromiumEvent $Session 'Page.loadEventFired' $TimeoutSeconds
    # Requests started by the load itself are in by now; one more round trip collects the events still in flight.
    Get-ChromiumValue $Session 'document.readyState' | Out-Null
    @($Session.Events | Where-Object method -EQ 'Network.requestWillBeSent' | ForEach-Object { $_.params.request.url })
}

function Get-ChromiumValue {
    <# Evaluates a JavaScript expression in the page and returns its value (JSON-serializable values only). #>
    param($Session, [string] $Expression)
    $result = Invoke-ChromiumCommand $Session 'Runtime.evaluate' @{ expression = $Expression; returnByValue = $true; awaitPromise = $true }
    if ($result.PSObject.Properties['exceptionDetails']) { throw "JavaScript failed: $($result.exceptionDetails.text) $Expression" }
    if ($result.result.PSObject.Properties['value']) { $result.result.value } else { $null }
}

function Save-ChromiumScreenshot {
    <# Saves a PNG of the page, or of one region of it in CSS pixels (x, y, width, height from the document's origin). #>
    param($Session, [string] $Path, [hashtable] $Clip)
    $params = @{ format = 'png'; captureBeyondViewport = $true }
    if ($Clip) { $params.clip = $Clip + @{ scale = 1 } }
    $result = Invoke-ChromiumCommand $Session 'Page.captureScreenshot' $params
    New-Item -ItemType Directory -Force (Split-Path $Path) | Out-Null
    [IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($result.data))
    Get-Item $Path
}

function Measure-PngInk {
    <# The share of a PNG's pixels that are not its most common colour: 0 for a blank image. #>
    param([string] $Path)
    $width = 0; $height = 0
    $ink = [HaPgTests.PngInk]::Measure([IO.File]::ReadAllBytes($Path), [ref] $width, [ref] $height)
    [pscustomobject]@{ Path = $Path; Width = $width; Height = $height; Ink = $ink }
}

function Close-HeadlessChromium {
    param($Session)
    if (-not $Session) { return }
    try { $Session.Socket.Dispose() } catch { Write-Verbose "closing the DevTools socket: $_" }
    if (-not $Session.Process.HasExited) {
        & pkill -KILL -f -- "--user-data-dir=$($Session.Profile)" 2>$null
        $Session.Process.WaitForExit(10000) | Out-Null
    }
    Remove-Item $Session.Profile -Recurse -Force -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function ConvertTo-FileUrl, Install-HaPgTestChromium, Open-HeadlessChromium, Invoke-ChromiumCommand, Open-ChromiumPage, Get-ChromiumValue,
    Save-ChromiumScreenshot, Measure-PngInk, Close-HeadlessChromium
