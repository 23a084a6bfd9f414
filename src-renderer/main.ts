import { mount } from 'svelte';
import App from './App.svelte';
import { takeLinkToken } from './lib/transport/sign-in';
import './app.css';

// Before anything else: a sign-in link's token leaves the address bar and this history entry (serve mode).
takeLinkToken();
mount(App, { target: document.getElementById('app')! });
