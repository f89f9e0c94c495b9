# The browser helper itself: its checks must be able to fail, or the tests built on them prove nothing.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'HeadlessChromium.psm1') -Force
    $script:browser = Open-HeadlessChromium -Width 800 -Height 600
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) "hapg-browser-$PID"
    New-Item -ItemType Directory -Force $folder | Out-Null
    function New-Page([string] $Name, [string] $Body) {
        $path = Join-Path $folder $Name
        Set-Content $path "<!DOCTYPE html><html><head><meta charset=`"utf-8`"><title>$Name</title></head><body style=`"margin:0;background:#fff`">$Body</body></html>"
        ConvertTo-FileUrl $path
    }
}

AfterAll {
    Close-HeadlessChromium $browser
    Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Headless Chromium helper' -Tag Browser {
    It 'lists a request a page makes beyond its own file' {
        # Port 9 on loopback: nothing listens, so the request fails, but the browser still has to make it.
        $url = New-Page 'external.html' '<img src="http://127.0.0.1:9/pixel.png">'
        $requests = Open-ChromiumPage $browser $url
        $requests | Should -Contain $url
        $requests | Should -Contain 'http://127.0.0.1:9/pixel.png'
    }

    It 'lists only the file for a page that asks for nothing' {
        $url = New-Page 'plain.html' '<p>nothing else</p>'
        Open-ChromiumPage $browser $url | Should -Be @($url)
    }

    It 'tells a blank screenshot from one with something drawn' {
        $url = New-Page 'box.html' '<div id="box" style="position:absolute;left:100px;top:50px;width:200px;height:100px;background:#d93025"></div>'
        Open-ChromiumPage $browser $url | Out-Null
        $box = Get-ChromiumValue $browser 'JSON.stringify(document.getElementById("box").getBoundingClientRect())' | ConvertFrom-Json

        $blank = Save-ChromiumScreenshot $browser (Join-Path $folder 'blank.png') @{ x = 400; y = 300; width = 200; height = 100 }
        $drawn = Save-ChromiumScreenshot $browser (Join-Path $folder 'drawn.png') @{ x = $box.x - 50; y = $box.y; width = $box.width; height = $box.height }

        (Measure-PngInk $blank.FullName).Ink | Should -Be 0
        $measured = Measure-PngInk $drawn.FullName
        $measured.Width | Should -Be 200
        $measured.Ink | Should -BeGreaterThan 0.2
        $measured.Ink | Should -BeLessThan 0.3
    }
}
