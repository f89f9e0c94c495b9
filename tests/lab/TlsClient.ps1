# Dot-sourced by the lab tests: a TLS connection from this host whose server certificate is checked against the cluster CA
# (chain and the name dialled), synchronously, because the check is PowerShell, which runs on this thread only.

# Returns Valid (the check's verdict), Certificate (what the server sent) and StatusLine (of a GET /, when -Get).
function Connect-VerifiedTls([string] $Address, [int] $Port, [string] $CaPem, [switch] $Get) {
    $ca = [Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($CaPem)
    $state = [pscustomobject]@{ Valid = $false; Certificate = $null; StatusLine = $null }
    $tcp = [Net.Sockets.TcpClient]::new($Address, $Port)
    $tls = [Net.Security.SslStream]::new($tcp.GetStream(), $false, {
            param($sender, $certificate, $chain, $errors)
            $verify = [Security.Cryptography.X509Certificates.X509Chain]::new()
            $verify.ChainPolicy.TrustMode = 'CustomRootTrust'
            $verify.ChainPolicy.RevocationMode = 'NoCheck'
            $verify.ChainPolicy.CustomTrustStore.Add($ca) | Out-Null
            # A copy: SslStream disposes the certificate it hands to this callback once the handshake is done.
            $state.Certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new($certificate.GetRawCertData())
            $state.Valid = $verify.Build($state.Certificate) -and -not ($errors -band [Net.Security.SslPolicyErrors]::RemoteCertificateNameMismatch)
            $state.Valid
        }.GetNewClosure())
    try {
        $tls.AuthenticateAsClient($Address)
        if ($Get) {
            $request = [Text.Encoding]::ASCII.GetBytes("GET / HTTP/1.0`r`nHost: $Address`r`n`r`n")
            $tls.Write($request, 0, $request.Length)
            $state.StatusLine = ([IO.StreamReader]::new($tls)).ReadLine()
        }
    }
    finally { $tls.Dispose(); $tcp.Dispose() }
    $state
}
