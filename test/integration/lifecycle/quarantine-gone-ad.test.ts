import { adAdapter } from '../../helpers/directory-scenarios';
import { quarantineGoneSuite } from './quarantine-gone';

describe('quarantined records deleted from Active Directory (Samba)', () => quarantineGoneSuite('ad', () => adAdapter('qgone')));
